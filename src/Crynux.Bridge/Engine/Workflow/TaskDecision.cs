using Crynux.Bridge.Data;

namespace Crynux.Bridge.Engine.Workflow;

/// <summary>
/// The workflow as one pure function: a snapshot of a client task and its Relay tasks → the next steps. It reads no
/// clock, database or network, so every row of the table is a unit test (docs/architecture.md has the table).
/// </summary>
public static class TaskDecision
{
    public static IReadOnlyList<TaskStep> Decide(TaskSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var steps = new List<TaskStep>();
        var members = snapshot.Members;
        foreach (var member in members.Where(m => !m.IsFinished))
        {
            if (snapshot.BackOffUntil(member) is { } until)
            {
                steps.Add(new TaskStep(StepKind.Wait, member, Until: until));
            }
            else if (MemberStep(member) is { } step)
            {
                steps.Add(new TaskStep(step, member));
            }
        }
        foreach (var group in Groups(members))
        {
            steps.AddRange(GroupSteps(group, snapshot));
        }
        steps.AddRange(snapshot.Job is { } job ? FineTuneDecision.JobSteps(snapshot.Task, members, job, snapshot.FineTuneMaxRounds) : ClientTaskSteps(snapshot.Task, members));
        return steps.Count > 0 ? steps : [new TaskStep(StepKind.Wait)];
    }

    /// <summary>The next step of one open Relay task on its own (group steps come from <see cref="GroupSteps"/>).</summary>
    public static StepKind? MemberStep(InferenceTaskRow m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.IsOutcomeUnknown || m.LacksCreateAnswer)
        {
            return StepKind.LearnOutcome;
        }
        if (m.State == InferenceStatus.Pending)
        {
            return StepKind.Create;
        }
        if (m.IsOriginal && m.NeedValidation is null)
        {
            return StepKind.SaveVrf;
        }
        if (m.IsOriginal && m.NeedValidation == 1 && m.GroupId is null)
        {
            return StepKind.AddValidationMembers;
        }
        if (m.NeedValidation == 0 && m.ValidateSent == 0 && m.State is InferenceStatus.ScoreReady or InferenceStatus.ErrorReported)
        {
            return StepKind.ValidateSingle;
        }
        if (m.State == InferenceStatus.EndSuccess)
        {
            // An LLM result is checked against the score the Relay holds: learn it first when no event brought it.
            return m.Type == TaskType.Llm && m.Score.Length == 0 ? StepKind.LearnOutcome : StepKind.Download;
        }
        return null;
    }

    public static IEnumerable<IReadOnlyList<InferenceTaskRow>> Groups(IReadOnlyList<InferenceTaskRow> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return members.Where(m => m.GroupId is not null).GroupBy(m => m.GroupId!.Value).Select(g => (IReadOnlyList<InferenceTaskRow>)[.. g.OrderBy(m => m.Id)]);
    }

    /// <summary>
    /// A validation group is validated once, with the three commitments in creation order, when every member has a score,
    /// an error, or was aborted, and none expired waiting for the bridge (reason 8).
    /// </summary>
    public static IEnumerable<TaskStep> GroupSteps(IReadOnlyList<InferenceTaskRow> group, TaskSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(snapshot);
        var steps = new List<TaskStep>();
        if (group.Any(m => m.State == InferenceStatus.EndAborted))
        {
            steps.AddRange(group.Where(m => m.State == InferenceStatus.Created && m.CancelSent == 0 && !m.IsOutcomeUnknown && snapshot.BackOffUntil(m) is null)
                .Select(m => new TaskStep(StepKind.CancelSibling, m)));
        }
        if (group.Count != 3 || group.Any(m => m.ValidateSent == 1))
        {
            return steps;
        }
        if (group.Any(m => m.State == InferenceStatus.EndAborted && m.Abort == AbortReason.CreatorValidationTimeout))
        {
            steps.Add(new TaskStep(StepKind.GiveUpGroup, group[0], group));
            return steps;
        }
        var waiting = group.Any(m => m.IsOutcomeUnknown || snapshot.BackOffUntil(m) is not null);
        var ready = group.All(m => m.State is InferenceStatus.ScoreReady or InferenceStatus.ErrorReported or InferenceStatus.EndAborted);
        if (!waiting && ready && !group.All(m => m.State == InferenceStatus.EndAborted))
        {
            steps.Add(new TaskStep(StepKind.ValidateGroup, group.FirstOrDefault(m => m.IsOriginal) ?? group[0], group));
        }
        return steps;
    }

    /// <summary>The client task's outcome: success as soon as one result is downloaded; failure once every Relay task ended without one.</summary>
    public static IEnumerable<TaskStep> ClientTaskSteps(ClientTaskRow task, IReadOnlyList<InferenceTaskRow> members)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(members);
        var allFinished = members.All(m => m.IsFinished);
        if (task.Status == ClientTaskStatus.Running)
        {
            if (members.FirstOrDefault(m => m.State == InferenceStatus.ResultDownloaded) is { } result)
            {
                return [new TaskStep(StepKind.FinishSuccess, result)];
            }
            return allFinished ? [new TaskStep(StepKind.FinishFailed)] : [];
        }
        return allFinished && task.IsOpen == 1 ? [new TaskStep(StepKind.Close)] : [];
    }
}
