namespace Crynux.Bridge.Engine.Workflow;

/// <summary>The steps of the workflow, in the order a task goes through them.</summary>
public enum StepKind
{
    /// <summary>POST the task to the Relay (through the Relay-queue gate).</summary>
    Create,
    /// <summary>A call's answer was lost, or the bridge lacks what the Relay knows: GET the task before anything else.</summary>
    LearnOutcome,
    /// <summary>Compute the VRF over the sampling seed and store whether it draws a validation group.</summary>
    SaveVrf,
    /// <summary>Add the two validation members of a drawn task.</summary>
    AddValidationMembers,
    ValidateSingle,
    ValidateGroup,
    /// <summary>A group member expired waiting for validation (reason 8): the group can no longer be validated.</summary>
    GiveUpGroup,
    /// <summary>Download the results and verify them (sha256 against the score, complete PNGs of the requested size).</summary>
    Download,
    /// <summary>A group member ended aborted: cancel the members still queued (refunds their fee).</summary>
    CancelSibling,
    /// <summary>A fine-tune round downloaded a checkpoint without FINISH: add the next round, continuing from it.</summary>
    NextRound,
    /// <summary>A fine-tune round ended without a checkpoint, within the job's retries: add the same round again.</summary>
    RetryRound,
    FinishSuccess,
    FinishFailed,
    /// <summary>The outcome is recorded and every Relay task has ended: close the client task.</summary>
    Close,
    /// <summary>Nothing to do until the Relay moves, or until <see cref="TaskStep.Until"/> (a retry's back-off).</summary>
    Wait,
}
