namespace Crynux.Devnet;

/// <summary>Faults on client Relay requests (requests from simulated nodes are never faulted).</summary>
public sealed record FaultOptions
{
    /// <summary>Fail this many next requests with <see cref="FailureStatusCode"/>.</summary>
    public int FailNextRequests { get; init; }

    /// <summary>Fail each request with this probability.</summary>
    public double FailureRate { get; init; }

    public int FailureStatusCode { get; init; } = 503;

    /// <summary>Added (wall-clock) latency before each request is handled.</summary>
    public TimeSpan AddedLatency { get; init; }

    public void Validate()
    {
        if (FailureRate is < 0 or > 1 || FailNextRequests < 0 || AddedLatency < TimeSpan.Zero || FailureStatusCode is < 100 or > 599)
        {
            throw new ArgumentException("Faults need 0 <= FailureRate <= 1, FailNextRequests >= 0, AddedLatency >= 0 and a 1xx–5xx status.");
        }
    }
}
