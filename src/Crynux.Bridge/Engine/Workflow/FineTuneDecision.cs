using Crynux.Bridge.Data;

namespace Crynux.Bridge.Engine.Workflow;

/// <summary>
/// The client-task rows of a fine-tune job (docs/architecture.md): a round is an original Relay task with its
/// validation members (same task id); the job goes on from its latest round only. Pure, like <see cref="TaskDecision"/>.
/// </summary>
public static class FineTuneDecision
{
    /// <summary>Failed rounds that are re-created; one more fails the job.</summary>
    public const int MaxRetriedRounds = 3;

    /// <summary>task.sd_finetune_max_rounds by default.</summary>
    public const int DefaultMaxRounds = 20;

    /// <param name="maxRounds">Rounds (retries included) the job may create; at that many without FINISH it fails.</param>
    public static IEnumerable<TaskStep> JobSteps(ClientTaskRow task, IReadOnlyList<InferenceTaskRow> members, FineTuneJobRow job, int maxRounds = DefaultMaxRounds)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(job);
        var originals = members.Where(m => m.IsOriginal).OrderBy(m => m.Id).ToList();
        if (task.Status != ClientTaskStatus.Running || originals.Count == 0)
        {
            return TaskDecision.ClientTaskSteps(task, members);
        }
        var latest = originals[^1];
        var round = members.Where(m => m.TaskId == latest.TaskId).ToList();
        // A counter ahead of the rows read cannot be (both are written in one transaction); behind means a round of
        // this step exists already: either way no round is added on a stale view.
        var current = job.RoundsCreated == originals.Count;
        if (round.FirstOrDefault(m => m.State == InferenceStatus.ResultDownloaded) is { } downloaded)
        {
            if (job.FinishedTaskId == downloaded.Id)
            {
                return [new TaskStep(StepKind.FinishSuccess, downloaded)];
            }
            if (job.RoundsCreated >= maxRounds)
            {
                return [new TaskStep(StepKind.FinishFailed, downloaded)];
            }
            return current ? [new TaskStep(StepKind.NextRound, downloaded)] : [];
        }
        if (!round.All(m => m.IsFinished))
        {
            return [];
        }
        if (FailedRounds(members) > MaxRetriedRounds || job.RoundsCreated >= maxRounds)
        {
            return [new TaskStep(StepKind.FinishFailed, latest)];
        }
        return current ? [new TaskStep(StepKind.RetryRound, latest)] : [];
    }

    /// <summary>Rounds that ended (every member) without a downloaded checkpoint.</summary>
    public static int FailedRounds(IReadOnlyList<InferenceTaskRow> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return members.GroupBy(m => m.TaskId)
            .Count(r => r.All(m => m.IsFinished) && r.All(m => m.State != InferenceStatus.ResultDownloaded));
    }

    /// <summary>Rounds with a downloaded checkpoint.</summary>
    public static int DoneRounds(IReadOnlyList<InferenceTaskRow> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return members.GroupBy(m => m.TaskId).Count(r => r.Any(m => m.State == InferenceStatus.ResultDownloaded));
    }
}
