using Crynux.Bridge.Data;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Engine;

/// <summary>What a 2026 Relay's batch status tells the engine: task states, the execution-GPU snapshot, the expected end.</summary>
public sealed partial class TaskExecutor
{
    /// <summary>
    /// Learns the task from a batch status (gathered with other tasks' into one request). Null when a GET must do it: the
    /// Relay has no batch routes, or an LLM result's score is still missing.
    /// </summary>
    private async Task<InferenceTaskRow?> LearnFromStatusAsync(InferenceTaskRow task, CancellationToken ct)
    {
        BatchStatusItem? item;
        try
        {
            item = await _batches.StatusAsync(task.TaskIdCommitment, ct);
        }
        catch (RelayException e)
        {
            var members = new List<InferenceTaskRow> { task };
            return await FailedAsync(task, members, e, outcomeUnknown: task.IsOutcomeUnknown, ct);
        }
        if (item is null)
        {
            return null;
        }
        if (!item.Found)
        {
            return await NotOnRelayAsync(task, ct);
        }
        var status = FromRelay((RelayTaskStatus)item.Status);
        if (task.Type == TaskType.Llm && task.Score.Length == 0 && status == InferenceStatus.EndSuccess)
        {
            return null; // the result is checked against the score, which only a GET carries
        }
        var fresh = await RecordLearnedAsync(task, new RelayFacts(item.Sequence, item.SamplingSeed, "", status,
            new TaskUpdate(AbortReason: item.AbortReason, TaskError: item.TaskError)), ct);
        ExpectCompletion(fresh, item);
        return fresh;
    }

    /// <summary>
    /// A running task whose end the Relay estimates is asked about again at that time (if no event told first), and the
    /// sweep leaves it alone until then; past it, the sweep's fixed interval takes over again.
    /// </summary>
    private void ExpectCompletion(InferenceTaskRow task, BatchStatusItem item)
    {
        if (task.Stage != (int)TaskStage.Running || item.EstimatedCompletion() is not { } estimate)
        {
            return;
        }
        var dueMs = estimate.ToUnixTimeMilliseconds();
        _open.Expect(task.TaskIdCommitment, dueMs);
        _scheduler.DriveAfter(task.ClientTaskId, TimeSpan.FromMilliseconds(Math.Max(0, dueMs - NowMs)));
    }

    /// <summary>
    /// The GPU an LLM original ran on, for its validation copies; null while it is not known yet (the task has not started,
    /// or the call failed). A 2026 Relay gives the snapshot taken when the task started (never the node's current record,
    /// which a re-joining node changes); a 2025 Relay only has the node's record, read once the task started.
    /// </summary>
    private async Task<(string Gpu, long Vram)?> ExecutionGpuAsync(InferenceTaskRow original, List<InferenceTaskRow> members, CancellationToken ct)
    {
        if (original.SelectedNode.Length == 0 && original.Stage < (int)TaskStage.Running)
        {
            return null; // woken by its start
        }
        try
        {
            if (await _batches.StatusAsync(original.TaskIdCommitment, ct) is { } item)
            {
                return item.Found && item.ExecutionGpu.Length > 0 ? (item.ExecutionGpu, item.ExecutionGpuVram) : null;
            }
            if (original.SelectedNode.Length == 0)
            {
                return null;
            }
            var node = await _relay.GetNodeAsync(original.SelectedNode, ct);
            return (node.GpuName, node.GpuVram);
        }
        catch (RelayException e)
        {
            await FailedAsync(original, members, e, outcomeUnknown: false, ct);
            return null;
        }
    }
}
