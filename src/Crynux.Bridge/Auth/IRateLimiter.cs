namespace Crynux.Bridge.Auth;

/// <summary>
/// Requests per minute per API key (the bucket is named by the key's client id, which survives rotation): a token bucket
/// with burst = limit. A rejected request spends nothing.
/// </summary>
public interface IRateLimiter
{
    ValueTask<RateDecision> TryAcquireAsync(string bucket, long limitPerMinute, CancellationToken ct);

    /// <summary>Gives a token back (a request admitted by the rate limit but refused later, e.g. by the use limit).</summary>
    ValueTask RefundAsync(string bucket, long limitPerMinute, CancellationToken ct);
}
