using StackExchange.Redis;

namespace Crynux.Bridge.Auth;

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
