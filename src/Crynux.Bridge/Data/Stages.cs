namespace Crynux.Bridge.Data;

public static class Stages
{
    /// <summary>How far a task has come; a status update never moves a task to a lower stage (events can arrive late).</summary>
    public static TaskStage Of(InferenceStatus status) => status switch
    {
        InferenceStatus.Pending => TaskStage.Pending,
        InferenceStatus.Created => TaskStage.Created,
        InferenceStatus.Started or InferenceStatus.ParamsUploaded => TaskStage.Running,
        InferenceStatus.ScoreReady or InferenceStatus.ErrorReported => TaskStage.Scored,
        InferenceStatus.Validated => TaskStage.Validated,
        InferenceStatus.EndSuccess => TaskStage.Succeeded,
        InferenceStatus.EndAborted or InferenceStatus.EndGroupRefund or InferenceStatus.EndInvalidated => TaskStage.Finished,
        _ => TaskStage.Downloaded,
    };

    /// <summary>Stage 6 and up: nothing more will happen to the task (a download that gave up is also put here).</summary>
    public const int Finished = (int)TaskStage.Finished;
}
