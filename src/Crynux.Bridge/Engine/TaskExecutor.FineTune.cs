using System.Text.Json.Nodes;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine.Workflow;
using Crynux.Bridge.Relay;
using Crynux.Crypto;

namespace Crynux.Bridge.Engine;

/// <summary>The steps of a fine-tune job: its rounds' checkpoints in and out, and the next (or retried) round.</summary>
public sealed partial class TaskExecutor
{
    /// <summary>The Relay's answer to a checkpoint download of a task that did not end alone in success.</summary>
    private const string CheckpointNotUploaded = "Task checkpoint not uploaded";

    /// <summary>
    /// The checkpoint a round continues from: null when its task_args name none; else the file to upload, or (Path
    /// null) why it cannot be sent.
    /// </summary>
    private (string? Path, string? Problem)? InputCheckpoint(InferenceTaskRow round)
    {
        if (JsonNode.Parse(round.TaskArgs) is not JsonObject args || args["checkpoint"] is not JsonValue value || !value.TryGetValue<string>(out var name))
        {
            return null;
        }
        var path = FineTuneCheckpoints.Resolve(_files, name);
        return path is not null && File.Exists(path)
            ? (path, null)
            : (null, $"checkpoint_missing: the round's input checkpoint {name} is not in the bridge's data folder (removed by retention?)");
    }

    /// <summary>
    /// A round's downloaded checkpoint must be a sound ZIP before it counts (a bad one is fetched again); one that
    /// carries FINISH is recorded as the job's result before the round counts as downloaded.
    /// </summary>
    private async Task CheckRoundCheckpointAsync(InferenceTaskRow round, FineTuneJobRow job, CancellationToken ct)
    {
        var path = _files.CheckpointPath(round.TaskIdCommitment);
        var (finished, problem) = CheckpointArchive.Inspect(path, _relay.MaxResultBytes);
        if (problem is not null)
        {
            File.Delete(path);
            throw new RelayException(RelayErrorKind.Transient, 200, null, "the round's checkpoint was refused: " + problem);
        }
        if (finished)
        {
            await _fineTune.MarkFinishedAsync(job.ClientTaskId, round.Id, NowMs, ct);
            job.FinishedTaskId = round.Id;
        }
    }

    /// <summary>
    /// Adds the job's next round (continuing the downloaded checkpoint) or the same round again (same task_args), with a
    /// fresh task id; the job's round counter makes it happen once whatever is repeated after a crash.
    /// </summary>
    private async Task<bool> AddRoundAsync(TaskStep step, List<InferenceTaskRow> members, FineTuneJobRow job, CancellationToken ct)
    {
        var from = step.Member!;
        var template = members.First(m => m.TaskId == from.TaskId && m.IsOriginal);
        var args = template.TaskArgs;
        if (step.Kind == StepKind.NextRound)
        {
            var next = JsonNode.Parse(args)!.AsObject();
            next["checkpoint"] = FineTuneCheckpoints.RoundName(from.TaskIdCommitment);
            args = next.ToJsonString();
        }
        var now = NowMs;
        var taskId = Hex.Encode(TaskIdentity.NewTaskId());
        var nonce = Hex.Encode(TaskIdentity.NewNonce());
        var round = new InferenceTaskRow
        {
            TaskArgs = args,
            TaskType = template.TaskType,
            TaskModelIds = template.TaskModelIds,
            TaskVersion = template.TaskVersion,
            TaskFee = template.TaskFee,
            MinVram = template.MinVram,
            RequiredGpu = template.RequiredGpu,
            RequiredGpuVram = template.RequiredGpuVram,
            TaskSize = template.TaskSize,
            Timeout = template.Timeout,
            TaskId = taskId,
            Nonce = nonce,
            TaskIdCommitment = TaskIdentity.CommitmentHex(taskId, nonce),
            CreatedBy = _instanceId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (await _fineTune.AddRoundAsync(job.ClientTaskId, members.Count(m => m.IsOriginal), round, now, ct))
        {
            _log.LogInformation("Fine-tune job {Job}: {Kind} as {Commitment}", job.ClientTaskId, step.Kind, round.TaskIdCommitment);
        }
        // Added now or by an earlier pass: the stored rows are the truth.
        var stored = await _fineTune.GetAsync(job.ClientTaskId, ct) ?? job;
        job.RoundsCreated = stored.RoundsCreated;
        job.FinishedTaskId = stored.FinishedTaskId;
        members.Clear();
        members.AddRange(await _store.GetMembersAsync(job.ClientTaskId, ct));
        foreach (var member in members.Where(m => !m.IsFinished))
        {
            _open.Add(member.TaskIdCommitment, job.ClientTaskId, now);
        }
        return true;
    }

    /// <summary>Why the job failed: its last round's failure, and how many rounds failed.</summary>
    private string FineTuneFailure(IReadOnlyList<InferenceTaskRow> members, InferenceTaskRow latest, int roundsCreated)
    {
        if (latest.State == InferenceStatus.ResultDownloaded || roundsCreated >= _fineTuneMaxRounds)
        {
            return $"the job created {roundsCreated} rounds without the node's FINISH; task.sd_finetune_max_rounds is {_fineTuneMaxRounds}";
        }
        var round = members.Where(m => m.TaskId == latest.TaskId).ToList();
        return $"{Failure.Describe(round)} ({FineTuneDecision.FailedRounds(members)} rounds failed; a job gives up after {FineTuneDecision.MaxRetriedRounds + 1})";
    }
}
