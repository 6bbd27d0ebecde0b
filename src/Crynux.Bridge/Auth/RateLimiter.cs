using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Crynux.Bridge.Auth;

/// <summary>The answer of a rate-limit check: allowed or not, and what to put in the x-ratelimit-* and Retry-After headers.</summary>
public readonly record struct RateDecision(bool Allowed, long Limit, long Remaining, TimeSpan RetryAfter, TimeSpan ResetAfter)
{
    public static RateDecision Unlimited { get; } = new(true, 0, 0, TimeSpan.Zero, TimeSpan.Zero);
}

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

/// <summary>In-process buckets: right for one instance. With several, configure Redis so the limit holds across them.</summary>
public sealed class MemoryRateLimiter : IRateLimiter
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public MemoryRateLimiter(TimeProvider time) => _time = time;

    public ValueTask<RateDecision> TryAcquireAsync(string bucket, long limitPerMinute, CancellationToken ct)
    {
        if (limitPerMinute <= 0)
        {
            return ValueTask.FromResult(RateDecision.Unlimited);
        }
        var state = _buckets.GetOrAdd(bucket, _ => new Bucket(limitPerMinute, _time.GetTimestamp()));
        lock (state)
        {
            state.Refill(limitPerMinute, _time.GetElapsedTime(state.Stamp), _time.GetTimestamp());
            var allowed = state.Tokens >= 1;
            if (allowed)
            {
                state.Tokens -= 1;
            }
            return ValueTask.FromResult(TokenBucket.Decide(allowed, state.Tokens, limitPerMinute));
        }
    }

    public ValueTask RefundAsync(string bucket, long limitPerMinute, CancellationToken ct)
    {
        if (limitPerMinute > 0 && _buckets.TryGetValue(bucket, out var state))
        {
            lock (state)
            {
                state.Tokens = Math.Min(limitPerMinute, state.Tokens + 1);
            }
        }
        return ValueTask.CompletedTask;
    }

    private sealed class Bucket(long limit, long stamp)
    {
        public double Tokens { get; set; } = limit;

        public long Stamp { get; private set; } = stamp;

        public void Refill(long limit, TimeSpan elapsed, long now)
        {
            // A changed limit applies at once, burst included (the upstream limiter kept the old burst until a restart).
            Tokens = Math.Min(limit, Tokens + elapsed.TotalMinutes * limit);
            Stamp = now;
        }
    }
}

/// <summary>The same bucket in Redis, updated atomically by a script using the Redis clock, so all instances share it.</summary>
public sealed class RedisRateLimiter : IRateLimiter
{
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local limit = tonumber(ARGV[1])
        local cost = tonumber(ARGV[2])
        local data = redis.call('HMGET', KEYS[1], 't', 'ts')
        local tokens = tonumber(data[1])
        local ts = tonumber(data[2])
        if tokens == nil then tokens = limit; ts = now end
        tokens = math.min(limit, tokens + (now - ts) * limit / 60000.0)
        local allowed = 0
        if cost < 0 then tokens = math.min(limit, tokens - cost); allowed = 1
        elseif tokens >= cost then tokens = tokens - cost; allowed = 1 end
        redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
        redis.call('PEXPIRE', KEYS[1], 120000)
        return {allowed, tostring(tokens)}
        """;

    private readonly IConnectionMultiplexer _redis;

    public RedisRateLimiter(IConnectionMultiplexer redis) => _redis = redis;

    public async ValueTask<RateDecision> TryAcquireAsync(string bucket, long limitPerMinute, CancellationToken ct)
    {
        if (limitPerMinute <= 0)
        {
            return RateDecision.Unlimited;
        }
        var (allowed, tokens) = await RunAsync(bucket, limitPerMinute, 1);
        return TokenBucket.Decide(allowed, tokens, limitPerMinute);
    }

    public async ValueTask RefundAsync(string bucket, long limitPerMinute, CancellationToken ct)
    {
        if (limitPerMinute > 0)
        {
            await RunAsync(bucket, limitPerMinute, -1);
        }
    }

    private async Task<(bool Allowed, double Tokens)> RunAsync(string bucket, long limit, int cost)
    {
        var result = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(Script, [(RedisKey)$"crynux_bridge:rate:{bucket}"], [limit, cost]))!;
        return ((long)result[0] == 1, double.Parse((string)result[1]!, System.Globalization.CultureInfo.InvariantCulture));
    }
}
