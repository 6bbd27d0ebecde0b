namespace Crynux.Devnet.Relay;

/// <summary>Task status values exactly as the Relay numbers them (docs/protocol.md §4.1).</summary>
public enum RelayTaskStatus
{
    Queued = 0,
    Started = 1,
    ParametersUploaded = 2,
    ErrorReported = 3,
    ScoreReady = 4,
    Validated = 5,
    GroupValidated = 6,
    EndInvalidated = 7,
    EndSuccess = 8,
    EndAborted = 9,
    EndGroupRefund = 10,
    EndGroupSuccess = 11,
}

public enum TaskAbortReason
{
    None = 0,
    Timeout = 1,
    ModelDownloadFailed = 2,
    IncorrectResult = 3,
    TaskFeeTooLow = 4,
    GroupTimeout = 5,
    ErrorReported = 6,
    CreatorCancelled = 7,
    CreatorValidationTimeout = 8,
    ResultUploadTimeout = 9,
    NodeSlashed = 10,
}

public enum TaskType
{
    StableDiffusion = 0,
    Llm = 1,
    StableDiffusionFinetuneLora = 2,
}

public enum NodeStatus
{
    Quit = 0,
    Available = 1,
    Busy = 2,
    PendingPause = 3,
    PendingQuit = 4,
    Paused = 5,
}

public static class TaskStatusExtensions
{
    public static bool IsTerminal(this RelayTaskStatus status) =>
        status is RelayTaskStatus.EndInvalidated or RelayTaskStatus.EndSuccess or RelayTaskStatus.EndAborted
            or RelayTaskStatus.EndGroupRefund or RelayTaskStatus.EndGroupSuccess;
}
