using Crynux.Bridge.Data;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Engine;

public sealed partial class TaskDriver
{
    private async Task ValidateSingleAsync(InferenceTaskRow task, CancellationToken ct)
    {
        _metrics.Stage("validate", TimeSpan.FromMilliseconds(NowMs - _open.LastChange(task.TaskIdCommitment, NowMs)));
        try
        {
            await _relay.ValidateAsync([task.TaskIdCommitment], task.TaskId, task.VrfProof, _publicKeyHex, ct);
        }
        catch (RelayException e) when (e.Kind != RelayErrorKind.Transient)
        {
            // Most likely an earlier validate went through and its answer was lost: learn the state from the Relay.
            _log.LogWarning("Validate of {Commitment} refused: {Error}", task.TaskIdCommitment, e.Message);
            await _store.SetFlagsAsync(task.Id, validateSent: true, lastError: e.Message, now: NowMs, ct: ct);
            task.ValidateSent = 1;
            await SyncAsync(task, ct);
            return;
        }
        catch (RelayException e)
        {
            await RetryLaterAsync(task, e, ct);
            return;
        }
        Heat();
        // relay-protocol §5.3: ScoreReady becomes Validated; ErrorReported ends aborted (reason 6) with a refund.
        var next = task.State == InferenceStatus.ScoreReady ? InferenceStatus.Validated : InferenceStatus.EndAborted;
        await AdvanceAsync(task, next, new TaskUpdate(AbortReason: next == InferenceStatus.EndAborted ? 6 : null, ValidateSent: true), ct);
    }

    /// <summary>
    /// A validation group (relay-protocol §5.4) is validated once, by one call with the three commitments in creation
    /// order, when every member has a score, an error, or was aborted, and none expired waiting for us (reason 8).
    /// </summary>
    private async Task ValidateGroupsAsync(List<InferenceTaskRow> members, CancellationToken ct)
    {
        foreach (var group in members.Where(m => m.GroupId is not null).GroupBy(m => m.GroupId!.Value))
        {
            var ordered = group.OrderBy(m => m.Id).ToList();
            if (ordered.Count != 3 || ordered.Any(m => m.ValidateSent == 1))
            {
                continue;
            }
            if (ordered.Any(m => m.State == InferenceStatus.EndAborted && m.AbortReason == 8))
            {
                await MarkValidateSentAsync(ordered, "the group can no longer be validated: a member expired waiting for validation", ct);
                continue;
            }
            var ready = ordered.All(m => m.State is InferenceStatus.ScoreReady or InferenceStatus.ErrorReported or InferenceStatus.EndAborted);
            if (!ready || ordered.All(m => m.State == InferenceStatus.EndAborted))
            {
                continue;
            }
            var original = ordered.First(m => m.IsValidation == 0);
            _metrics.Stage("validate", TimeSpan.FromMilliseconds(NowMs - ordered.Max(m => _open.LastChange(m.TaskIdCommitment, NowMs))));
            try
            {
                await _relay.ValidateAsync([.. ordered.Select(m => m.TaskIdCommitment)], original.TaskId, original.VrfProof, _publicKeyHex, ct);
                Heat();
                await MarkValidateSentAsync(ordered, null, ct);
            }
            catch (RelayException e) when (e.Kind != RelayErrorKind.Transient)
            {
                // e.g. every member reported an error ("illegal previous task status"): the Relay will time the group out.
                _log.LogWarning("Group validate of {Commitment} refused: {Error}", original.TaskIdCommitment, e.Message);
                await MarkValidateSentAsync(ordered, "group validation refused: " + e.RelayMessage, ct);
                foreach (var member in ordered)
                {
                    await SyncAsync(member, ct);
                }
            }
            catch (RelayException e)
            {
                await RetryLaterAsync(original, e, ct);
            }
        }
    }

    private async Task MarkValidateSentAsync(List<InferenceTaskRow> group, string? error, CancellationToken ct)
    {
        foreach (var member in group)
        {
            await _store.SetFlagsAsync(member.Id, validateSent: true, lastError: error, now: NowMs, ct: ct);
            member.ValidateSent = 1;
        }
    }

    /// <summary>When a group member ends aborted, members still queued are cancelled (best effort; refunds their fee).</summary>
    private async Task CancelSiblingsAsync(List<InferenceTaskRow> members, CancellationToken ct)
    {
        foreach (var group in members.Where(m => m.GroupId is not null).GroupBy(m => m.GroupId!.Value))
        {
            if (!group.Any(m => m.State == InferenceStatus.EndAborted))
            {
                continue;
            }
            foreach (var sibling in group.Where(m => m.State == InferenceStatus.Created && m.CancelSent == 0))
            {
                await _store.SetFlagsAsync(sibling.Id, cancelSent: true, now: NowMs, ct: ct);
                sibling.CancelSent = 1;
                try
                {
                    await _relay.AbortAsync(sibling.TaskIdCommitment, ct);
                    await AdvanceAsync(sibling, InferenceStatus.EndAborted, new TaskUpdate(AbortReason: 7), ct);
                }
                catch (RelayException e)
                {
                    // Already started, or the Relay is away: the sibling then runs its course.
                    _log.LogDebug("Cancel of {Commitment} not done: {Error}", sibling.TaskIdCommitment, e.Message);
                }
            }
        }
    }

    private async Task FinishAsync(ClientTaskRow task, List<InferenceTaskRow> members, CancellationToken ct)
    {
        var allFinished = members.All(m => m.IsFinished);
        var closed = false;
        if (task.Status == ClientTaskStatus.Running)
        {
            var result = members.FirstOrDefault(m => m.State == InferenceStatus.ResultDownloaded);
            var failed = members.Count(m => m.IsFinished && m.State != InferenceStatus.ResultDownloaded);
            if (result is not null)
            {
                closed = await EndAsync(task, ClientTaskStatus.Success, result.Id, null, failed, allFinished, ct);
            }
            else if (allFinished)
            {
                closed = await EndAsync(task, ClientTaskStatus.Failed, null, Failure.Describe(members), failed, close: true, ct);
            }
        }
        if (allFinished)
        {
            if (!closed)
            {
                await _store.CloseClientTaskAsync(task.Id, NowMs, ct);
            }
            Forget(task.Id);
        }
    }

    /// <summary>Records the outcome and wakes the waiters; returns whether the write also closed the client task.</summary>
    private async Task<bool> EndAsync(ClientTaskRow task, string status, long? resultId, string? error, int failed, bool close, CancellationToken ct)
    {
        var ended = await _store.FinishClientTaskAsync(task, status, resultId, error, failed, NowMs, close, ct);
        if (ended)
        {
            task.Status = status;
            _metrics.Count("crynux_bridge_tasks_total", $"kind=\"{task.Kind}\",status=\"{status}\"");
            _metrics.Observe("crynux_bridge_task_duration_seconds", $"kind=\"{task.Kind}\"", (NowMs - task.CreatedAt) / 1000.0);
        }
        _signals.Signal(task.Id);
        return ended && close;
    }
}
