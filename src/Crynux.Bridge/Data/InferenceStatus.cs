namespace Crynux.Bridge.Data;

/// <summary>The bridge's view of one Relay task (values as the upstream bridge numbers them, so raw-API clients keep working).</summary>
public enum InferenceStatus
{
    Pending = 0,
    Created = 1,
    Started = 2,
    ParamsUploaded = 3,
    ScoreReady = 4,
    ErrorReported = 5,
    Validated = 6,
    EndAborted = 7,
    EndGroupRefund = 8,
    EndInvalidated = 9,
    EndSuccess = 10,
    ResultDownloaded = 11,
}
