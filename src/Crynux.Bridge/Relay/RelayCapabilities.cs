namespace Crynux.Bridge.Relay;

/// <summary>
/// What the Relay behind one <see cref="RelayClient"/> offers, learned by unsigned probes without side effects (see
/// docs/protocol.md §12.2) and remembered for <see cref="Lifetime"/>: a Relay upgraded under a running bridge is noticed
/// when the cache runs out, or at once when a result route answers the plain-text "route missing" 404 (then the other
/// route is remembered).
/// </summary>
internal sealed class RelayCapabilities(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private bool? _wholeResults;
    private DateTimeOffset _until;

    /// <summary>Whether the Relay serves <c>GET …/results</c> (2026) rather than <c>…/results/{index}</c> (2025); null when not known now.</summary>
    public bool? WholeResults
    {
        get
        {
            lock (_gate)
            {
                return _wholeResults is not null && time.GetUtcNow() < _until ? _wholeResults : null;
            }
        }
    }

    private bool? _batch;
    private DateTimeOffset _batchUntil;

    /// <summary>Whether the Relay serves the batch routes (2026); null when not known now.</summary>
    public bool? Batch
    {
        get
        {
            lock (_gate)
            {
                return _batch is not null && time.GetUtcNow() < _batchUntil ? _batch : null;
            }
        }
    }

    public void RememberBatch(bool batch)
    {
        lock (_gate)
        {
            _batch = batch;
            _batchUntil = time.GetUtcNow() + Lifetime;
        }
    }

    /// <summary>Whether the Relay has the batch routes is not known any more: the next call probes again.</summary>
    public void ForgetBatch()
    {
        lock (_gate)
        {
            _batch = null;
        }
    }

    public void Remember(bool wholeResults)
    {
        lock (_gate)
        {
            _wholeResults = wholeResults;
            _until = time.GetUtcNow() + Lifetime;
        }
    }
}
