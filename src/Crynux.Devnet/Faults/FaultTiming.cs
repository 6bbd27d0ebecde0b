namespace Crynux.Devnet;

/// <summary>Whether a faulted request is processed by the Relay before its answer is replaced.</summary>
public enum FaultTiming
{
    /// <summary>The Relay processes the request (state, balances, events change); then the answer is lost or replaced.</summary>
    AfterHandling,

    /// <summary>The request is not processed at all.</summary>
    BeforeHandling,
}
