namespace Crynux.Bridge.Auth;

public static class TokenBucket
{
    public static RateDecision Decide(bool allowed, double tokens, long limit)
    {
        var perToken = TimeSpan.FromMinutes(1) / limit;
        var retry = allowed ? TimeSpan.Zero : perToken * (1 - tokens);
        var reset = perToken * (limit - tokens);
        return new RateDecision(allowed, limit, (long)Math.Floor(tokens), retry, reset);
    }
}
