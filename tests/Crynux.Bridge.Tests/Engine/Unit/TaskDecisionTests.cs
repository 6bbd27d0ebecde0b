using Crynux.Bridge.Data;
using Crynux.Bridge.Engine.Workflow;
using static Crynux.Bridge.Tests.Engine.Unit.Rows;

namespace Crynux.Bridge.Tests.Engine.Unit;

/// <summary>Every row of the decision table (docs/architecture.md), on snapshots built by hand: no clock, database or network.</summary>
public sealed class TaskDecisionTests
{
    private static StepKind[] Kinds(TaskSnapshot snapshot) => [.. TaskDecision.Decide(snapshot).Select(s => s.Kind)];

    [Fact]
    public void A_pending_task_is_created() =>
        Assert.Equal([StepKind.Create], Kinds(Snapshot(Task(InferenceStatus.Pending, needValidation: null))));

    [Fact]
    public void A_pending_task_whose_create_answer_was_lost_is_learned_not_created_again() =>
        Assert.Equal([StepKind.LearnOutcome], Kinds(Snapshot(Task(InferenceStatus.Pending, needValidation: null, outcomeUnknown: 1))));

    [Fact]
    public void A_task_moved_on_by_events_without_its_create_answer_is_learned_first() =>
        Assert.Equal([StepKind.LearnOutcome], Kinds(Snapshot(Task(InferenceStatus.ScoreReady, needValidation: null, seed: ""))));

    [Fact]
    public void A_validate_whose_answer_was_lost_is_learned_before_validating_again() =>
        Assert.Equal([StepKind.LearnOutcome], Kinds(Snapshot(Task(InferenceStatus.ScoreReady, outcomeUnknown: 1))));

    [Fact]
    public void A_created_task_without_its_vrf_saves_it() =>
        Assert.Equal([StepKind.SaveVrf], Kinds(Snapshot(Task(InferenceStatus.Created, needValidation: null))));

    [Fact]
    public void A_task_drawn_for_validation_gets_its_group() =>
        Assert.Equal([StepKind.AddValidationMembers], Kinds(Snapshot(Task(InferenceStatus.Started, needValidation: 1))));

    [Fact]
    public void A_queued_or_running_task_waits_for_the_relay()
    {
        Assert.Equal([StepKind.Wait], Kinds(Snapshot(Task(InferenceStatus.Created))));
        Assert.Equal([StepKind.Wait], Kinds(Snapshot(Task(InferenceStatus.Started))));
        Assert.Equal([StepKind.Wait], Kinds(Snapshot(Task(InferenceStatus.Validated))));
    }

    [Theory]
    [InlineData(InferenceStatus.ScoreReady)]
    [InlineData(InferenceStatus.ErrorReported)]
    public void A_scored_or_failed_single_task_is_validated_once(InferenceStatus status)
    {
        Assert.Equal([StepKind.ValidateSingle], Kinds(Snapshot(Task(status))));
        Assert.Equal([StepKind.Wait], Kinds(Snapshot(Task(status, validateSent: 1))));
    }

    [Fact]
    public void A_successful_task_is_downloaded()
    {
        Assert.Equal([StepKind.Download], Kinds(Snapshot(Task(InferenceStatus.EndSuccess))));
        Assert.Equal([StepKind.Download], Kinds(Snapshot(Task(InferenceStatus.EndSuccess, TaskType.StableDiffusion, score: ""))));
    }

    [Fact]
    public void An_llm_result_waits_for_the_relays_score_before_its_download_is_checked() =>
        Assert.Equal([StepKind.LearnOutcome], Kinds(Snapshot(Task(InferenceStatus.EndSuccess, score: ""))));

    [Fact]
    public void A_downloaded_result_finishes_the_client_task() =>
        Assert.Equal([StepKind.FinishSuccess], Kinds(Snapshot(Task(InferenceStatus.ResultDownloaded))));

    [Theory]
    [InlineData(InferenceStatus.EndAborted)]
    [InlineData(InferenceStatus.EndInvalidated)]
    [InlineData(InferenceStatus.EndGroupRefund)]
    public void A_task_that_ended_without_a_result_fails_the_client_task(InferenceStatus status) =>
        Assert.Equal([StepKind.FinishFailed], Kinds(Snapshot(Task(status))));

    [Fact]
    public void A_finished_client_task_with_every_relay_task_ended_is_closed()
    {
        Assert.Equal([StepKind.Close], Kinds(Snapshot(Client(ClientTaskStatus.Success), Task(InferenceStatus.ResultDownloaded))));
        Assert.Equal([StepKind.Wait], Kinds(Snapshot(Client(ClientTaskStatus.Success, isOpen: 0), Task(InferenceStatus.ResultDownloaded))));
    }

    [Fact]
    public void A_task_in_back_off_waits_until_its_retry()
    {
        var task = Task(InferenceStatus.Pending, needValidation: null);
        var snapshot = new TaskSnapshot(Client(), [task], 1_000, new Dictionary<string, long> { [task.TaskIdCommitment] = 2_500 });
        var step = Assert.Single(TaskDecision.Decide(snapshot));
        Assert.Equal(StepKind.Wait, step.Kind);
        Assert.Equal(2_500, step.Until);
        // Once the back-off is over the step comes back.
        Assert.Equal([StepKind.Create], Kinds(snapshot with { NowMs = 2_500 }));
    }

    private static InferenceTaskRow[] Group(InferenceStatus a, InferenceStatus b, InferenceStatus c, int abortReason = 0, int validateSent = 0)
    {
        var original = Task(a, needValidation: 1, validateSent: validateSent);
        original.GroupId = original.Id;
        return
        [
            original,
            Task(b, needValidation: 1, groupId: original.Id, isValidation: 1, validateSent: validateSent),
            Task(c, needValidation: 1, groupId: original.Id, isValidation: 1, abortReason: c == InferenceStatus.EndAborted ? abortReason : 0, validateSent: validateSent),
        ];
    }

    [Fact]
    public void A_group_is_validated_once_every_member_has_a_score_an_error_or_was_aborted()
    {
        Assert.Contains(StepKind.ValidateGroup, Kinds(Snapshot(Group(InferenceStatus.ScoreReady, InferenceStatus.ErrorReported, InferenceStatus.EndAborted, abortReason: 1))));
        Assert.DoesNotContain(StepKind.ValidateGroup, Kinds(Snapshot(Group(InferenceStatus.ScoreReady, InferenceStatus.Started, InferenceStatus.ScoreReady))));
        Assert.DoesNotContain(StepKind.ValidateGroup, Kinds(Snapshot(Group(InferenceStatus.ScoreReady, InferenceStatus.ScoreReady, InferenceStatus.ScoreReady, validateSent: 1))));
    }

    [Fact]
    public void A_group_waits_while_a_members_outcome_is_unknown()
    {
        var group = Group(InferenceStatus.ScoreReady, InferenceStatus.ScoreReady, InferenceStatus.ScoreReady);
        group[1].OutcomeUnknown = 1;
        var kinds = Kinds(Snapshot(group));
        Assert.DoesNotContain(StepKind.ValidateGroup, kinds);
        Assert.Contains(StepKind.LearnOutcome, kinds);
    }

    [Fact]
    public void A_group_with_a_member_expired_waiting_for_validation_is_given_up() =>
        Assert.Contains(StepKind.GiveUpGroup, Kinds(Snapshot(Group(InferenceStatus.ScoreReady, InferenceStatus.ScoreReady, InferenceStatus.EndAborted, abortReason: 8))));

    [Fact]
    public void Members_still_queued_in_a_group_with_an_aborted_member_are_cancelled()
    {
        var steps = TaskDecision.Decide(Snapshot(Group(InferenceStatus.Started, InferenceStatus.Created, InferenceStatus.EndAborted, abortReason: 1)));
        var cancel = Assert.Single(steps, s => s.Kind == StepKind.CancelSibling);
        Assert.Equal(InferenceStatus.Created, cancel.Member!.State);
    }

    [Fact]
    public void A_group_whose_members_all_ended_without_a_result_fails() =>
        Assert.Equal([StepKind.FinishFailed], Kinds(Snapshot(Group(InferenceStatus.EndInvalidated, InferenceStatus.EndGroupRefund, InferenceStatus.EndAborted, abortReason: 3, validateSent: 1))));

    [Fact]
    public void A_group_result_finishes_the_client_task_while_its_siblings_still_end()
    {
        var group = Group(InferenceStatus.ResultDownloaded, InferenceStatus.EndGroupRefund, InferenceStatus.Validated, validateSent: 1);
        Assert.Equal([StepKind.FinishSuccess], Kinds(Snapshot(group)));
    }
}
