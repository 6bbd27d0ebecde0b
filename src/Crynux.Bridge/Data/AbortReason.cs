namespace Crynux.Bridge.Data;

/// <summary>The Relay's abort reasons (the numbers are the Relay's). <see cref="None"/> on a task the bridge ended itself.</summary>
public enum AbortReason
{
    None = 0,
    Timeout = 1,
    ModelDownloadFailed = 2,
    IncorrectResult = 3,
    TaskFeeTooLow = 4,
    GroupValidationTimeout = 5,
    ErrorReported = 6,
    Cancelled = 7,
    CreatorValidationTimeout = 8,
    ResultUploadTimeout = 9,
    NodeSlashed = 10,
}
