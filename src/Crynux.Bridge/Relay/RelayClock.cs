namespace Crynux.Bridge.Relay;

/// <summary>The Relay's clock as the bridge estimates it from /v1/now, for signature timestamps (the Relay allows ±60 s).</summary>
public sealed class RelayClock
{
    private readonly TimeProvider _time;
    private long _offsetSeconds;

    public RelayClock(TimeProvider time) => _time = time;

    public long OffsetSeconds => Interlocked.Read(ref _offsetSeconds);

    public long UnixNow() => _time.GetUtcNow().ToUnixTimeSeconds() + OffsetSeconds;

    /// <summary>Sets the offset from a /v1/now answer taken between two local readings.</summary>
    public void Update(long relayNow, DateTimeOffset sentAt, DateTimeOffset receivedAt)
    {
        var midpoint = sentAt + (receivedAt - sentAt) / 2;
        Interlocked.Exchange(ref _offsetSeconds, relayNow - midpoint.ToUnixTimeSeconds());
    }
}
