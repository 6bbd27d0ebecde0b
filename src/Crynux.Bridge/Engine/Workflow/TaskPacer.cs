using System.Collections.Concurrent;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Engine.Workflow;

/// <summary>
/// Per Relay task: at most one GET (the task, or a result) every <see cref="MinGap"/> (the Relay's polling limit is 2 a
/// second per task; the POSTs of the workflow, each sent once per step, are not paced), and the
/// back-off of its retries. One retry budget per task: the attempts counter stored on the row grows the wait (1 s,
/// 2 s, 4 s … up to 30 s, jittered), so a long outage costs one call per task every half minute and never gives up.
/// </summary>
public sealed class TaskPacer(TimeProvider time, Random? random = null)
{
    /// <summary>Above half a second, so that two GETs a second stay under the limit however the network delays them.</summary>
    public static readonly TimeSpan MinGap = TimeSpan.FromMilliseconds(600);
    public static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);

    /// <summary>A task's retries: 1 s doubling to <see cref="MaxBackOff"/>, ±25 %.</summary>
    public static readonly RetryBackOff Retries = new(TimeSpan.FromSeconds(1), MaxBackOff, 0.25);

    private readonly Random _random = random ?? Random.Shared;
    private readonly ConcurrentDictionary<string, long> _lastCall = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _retryAt = new(StringComparer.Ordinal);

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Until when each Relay task waits for a retry (for the decision's snapshot).</summary>
    public IReadOnlyDictionary<string, long> RetryAt => _retryAt;

    /// <summary>The wait before retry number <paramref name="attempt"/> (1-based): 1 s doubling to 30 s, ±25 % jitter.</summary>
    public TimeSpan BackOff(int attempt) => Retries.Delay(attempt, _random);

    /// <summary>Puts the task in back-off for its <paramref name="attempt"/>-th failure; returns the wait.</summary>
    public TimeSpan Defer(string commitment, int attempt)
    {
        var wait = BackOff(attempt);
        _retryAt[commitment] = NowMs + (long)wait.TotalMilliseconds;
        return wait;
    }

    /// <summary>Waits for this task's turn to GET from the Relay (at least <see cref="MinGap"/> after its previous call), and takes it.</summary>
    public async Task TurnAsync(string commitment, CancellationToken ct)
    {
        while (true)
        {
            var now = NowMs;
            var last = _lastCall.GetValueOrDefault(commitment, long.MinValue / 2);
            var wait = last + (long)MinGap.TotalMilliseconds - now;
            if (wait <= 0)
            {
                if (last == long.MinValue / 2 ? _lastCall.TryAdd(commitment, now) : _lastCall.TryUpdate(commitment, now, last))
                {
                    return;
                }
                continue;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(wait), time, ct);
        }
    }

    /// <summary>The task left this instance (finished, or not ours): forget its pacing.</summary>
    public void Forget(string commitment)
    {
        _lastCall.TryRemove(commitment, out _);
        _retryAt.TryRemove(commitment, out _);
    }
}
