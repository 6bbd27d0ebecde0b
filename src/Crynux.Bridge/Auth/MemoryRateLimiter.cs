using System.Collections.Concurrent;

namespace Crynux.Bridge.Auth;

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
