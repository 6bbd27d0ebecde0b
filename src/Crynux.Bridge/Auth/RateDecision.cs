namespace Crynux.Bridge.Auth;

/// <summary>The answer of a rate-limit check: allowed or not, and what to put in the x-ratelimit-* and Retry-After headers.</summary>
public readonly record struct RateDecision(bool Allowed, long Limit, long Remaining, TimeSpan RetryAfter, TimeSpan ResetAfter)
{
    public static RateDecision Unlimited { get; } = new(true, 0, 0, TimeSpan.Zero, TimeSpan.Zero);
}
