namespace Crynux.Devnet.Relay;

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
