namespace Crynux.Bridge.Relay;

/// <summary>The Relay's task statuses (docs/protocol.md §4.1).</summary>
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
