namespace Crynux.Devnet.Relay;

/// <summary>The timeout processor of docs/protocol.md §4.5: only the current stage's deadline applies.</summary>
internal sealed partial class RelayCore
{
    public int ProcessTimeouts() => Commit(() =>
    {
        var now = Now;
        var aborted = 0;
        foreach (var task in _open.OrderBy(t => t.Sequence).ToList())
        {
            if (DueReason(task, now) is { } reason)
            {
                SetEndAborted(task, reason, RelayAddress);
                aborted++;
            }
        }
        return aborted;
    });

    /// <summary>The abort reason when the task's current-stage deadline has passed, else null.</summary>
    private TaskAbortReason? DueReason(RelayTask task, DateTimeOffset now)
    {
        if (task.TaskType == TaskType.StableDiffusionFinetuneLora)
        {
            return task.Status switch
            {
                RelayTaskStatus.Queued when now > task.CreateTime + TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(task.Timeout) => TaskAbortReason.Timeout,
                not RelayTaskStatus.Queued when task.StartTime is { } start && now > start + TimeSpan.FromSeconds(task.Timeout) => TaskAbortReason.Timeout,
                _ => null,
            };
        }
        return task.Status switch
        {
            RelayTaskStatus.Queued when now > task.CreateTime + _options.QueueTimeout => TaskAbortReason.Timeout,
            RelayTaskStatus.Started or RelayTaskStatus.ParametersUploaded when task.StartTime is { } start
                && now > start + TimeSpan.FromSeconds(task.Timeout) => TaskAbortReason.Timeout,
            RelayTaskStatus.ScoreReady or RelayTaskStatus.ErrorReported when task.ScoreReadyTime is { } ready
                && now > ready + _options.AppValidationTimeout => TaskAbortReason.CreatorValidationTimeout,
            RelayTaskStatus.Validated or RelayTaskStatus.GroupValidated when task.ValidatedTime is { } validated
                && now > validated + _options.ResultUploadTimeout => TaskAbortReason.ResultUploadTimeout,
            _ => null,
        };
    }
}
