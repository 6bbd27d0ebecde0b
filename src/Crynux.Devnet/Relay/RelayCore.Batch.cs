namespace Crynux.Devnet.Relay;

/// <summary>The per-item work of the 2026 batch endpoints; each item commits on its own, in request order.</summary>
internal sealed partial class RelayCore
{
    public BatchCreateResult CreateBatchItem(NewTask input) => Commit(() =>
    {
        if (CheckBaseModels(input) is { } failed)
        {
            return new BatchCreateResult(failed.Permanent ? "permanent_error" : "temporary_error", Error: failed.Error);
        }
        if (_tasks.TryGetValue(input.Commitment, out var stored))
        {
            return SameInput(stored, input)
                ? new BatchCreateResult("already_exists", stored.Sequence, stored.SamplingSeed, (int)stored.Status)
                : new BatchCreateResult("commitment_conflict");
        }
        if (_ledger.Balance(input.Creator) < input.TaskFee)
        {
            return new BatchCreateResult("permanent_error", Error: "insufficient relay account balance");
        }
        var created = Insert(input);
        return new BatchCreateResult("created", created.Sequence, created.SamplingSeed, (int)created.Status);
    });

    /// <summary>The Relay's immutable-input comparison for an idempotent batch create.</summary>
    private static bool SameInput(RelayTask t, NewTask i) =>
        t.Creator == i.Creator && t.TaskArgs == i.TaskArgs && t.Nonce == i.Nonce && t.TaskType == i.TaskType
        && t.TaskVersion == i.TaskVersion && t.MinVram == i.MinVram && t.RequiredGpu == (i.RequiredGpu ?? "")
        && t.RequiredGpuVram == (i.RequiredGpuVram ?? 0) && t.TaskFee == i.TaskFee && t.TaskSize == i.TaskSize
        && t.ModelIds.SequenceEqual(i.ModelIds, StringComparer.Ordinal);

    /// <summary>Batch status: the signer's own tasks only (others look absent); read-only.</summary>
    public IReadOnlyList<TaskSnapshot?> ReadOwnTasks(IReadOnlyList<string> commitments, string signer)
    {
        lock (_gate)
        {
            return [.. commitments.Select(c => _tasks.TryGetValue(c, out var t) && t.Creator == signer ? TaskSnapshot.From(t) : null)];
        }
    }

    /// <summary>One batch-validate unit: (outcome, error).</summary>
    public (string Outcome, string? Error) ValidateBatchUnit(IReadOnlyList<string> commitments, string taskId, string vrfProof,
        string publicKey, string signer) => Commit<(string, string?)>(() =>
    {
        if (commitments.Count is not (1 or 3))
        {
            return ("permanent_error", "task_id_commitments length must be 1 or 3");
        }
        var tasks = new List<RelayTask>();
        foreach (var commitment in commitments)
        {
            if (!_tasks.TryGetValue(commitment, out var task) || task.Creator != signer)
            {
                return ("permanent_error", "task not found");
            }
            tasks.Add(task);
        }
        if (AlreadyValidated(tasks, taskId))
        {
            return ("already_applied", null);
        }
        try
        {
            if (tasks.Count == 1)
            {
                ValidateSingle(tasks[0], taskId, vrfProof, publicKey);
            }
            else
            {
                ValidateGroup(tasks, taskId, vrfProof, publicKey);
            }
            return ("validated", null);
        }
        catch (RelayException e)
        {
            return ("permanent_error", e.Message);
        }
    });

    /// <summary>The same validation already completed: same task id, and the single or group validation moved the tasks on.</summary>
    private static bool AlreadyValidated(List<RelayTask> tasks, string taskId)
    {
        if (!tasks.All(t => string.Equals(t.TaskId, taskId, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        if (tasks.Count == 1)
        {
            var t = tasks[0];
            return t.GroupCommitments.Count == 0
                && (t.ValidatedTime is not null || (t.Status == RelayTaskStatus.EndAborted && t.AbortReason == TaskAbortReason.ErrorReported));
        }
        var set = tasks.Select(t => t.Commitment).ToHashSet(StringComparer.Ordinal);
        return tasks.All(t => t.GroupCommitments.Count == 3 && set.SetEquals(t.GroupCommitments));
    }

    /// <summary>One batch-abort item: (outcome, error).</summary>
    public (string Outcome, string? Error) AbortBatchItem(string commitment, int reason, string signer) => Commit<(string, string?)>(() =>
    {
        if (reason != (int)TaskAbortReason.CreatorCancelled)
        {
            return ("permanent_error", "abort reason not allowed");
        }
        if (!_tasks.TryGetValue(commitment, out var task) || task.Creator != signer)
        {
            return ("not_found", null);
        }
        if (task.Status == RelayTaskStatus.EndAborted && task.AbortReason == TaskAbortReason.CreatorCancelled)
        {
            return ("already_cancelled", null);
        }
        if (task.Status != RelayTaskStatus.Queued)
        {
            return ("not_cancellable", null);
        }
        SetEndAborted(task, TaskAbortReason.CreatorCancelled, signer);
        return ("cancelled", null);
    });
}
