namespace Crynux.Devnet.Http;

/// <summary>Run-time fault state: the knobs of <see cref="FaultOptions"/>, mutable through DevnetControl.</summary>
internal sealed class FaultState(FaultOptions initial, int seed)
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(seed);
    private FaultOptions _options = initial;
    private int _failNext = initial.FailNextRequests;

    public FaultOptions Options
    {
        get { lock (_gate) { return _options with { FailNextRequests = _failNext }; } }
        set { lock (_gate) { _options = value; _failNext = value.FailNextRequests; } }
    }

    public (TimeSpan Latency, int? FailStatus) Next()
    {
        lock (_gate)
        {
            var fail = _failNext > 0 || (_options.FailureRate > 0 && _random.NextDouble() < _options.FailureRate);
            if (_failNext > 0)
            {
                _failNext--;
            }
            return (_options.AddedLatency, fail ? _options.FailureStatusCode : null);
        }
    }
}
