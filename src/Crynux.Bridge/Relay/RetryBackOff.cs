namespace Crynux.Bridge.Relay;

/// <summary>
/// Exponential back-off with jitter, the one used for every retried Relay call: retry n (1-based) waits
/// <see cref="First"/> × 2^(n−1), at most <see cref="Max"/>, spread uniformly by ±<see cref="Jitter"/> of itself so
/// that calls which failed together do not come back together.
/// </summary>
/// <param name="First">The wait before the first retry, before jitter.</param>
/// <param name="Max">The longest wait, before jitter.</param>
/// <param name="Jitter">The spread as a fraction of the wait (0.25: 75 % to 125 %).</param>
public sealed record RetryBackOff(TimeSpan First, TimeSpan Max, double Jitter)
{
    public TimeSpan Delay(int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var baseMs = Math.Min(Max.TotalMilliseconds, First.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30)));
        return TimeSpan.FromMilliseconds(baseMs * (1 - Jitter + (2 * Jitter * random.NextDouble())));
    }
}
