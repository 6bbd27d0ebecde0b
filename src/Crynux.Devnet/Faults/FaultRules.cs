namespace Crynux.Devnet;

/// <summary>The live fault rules: added, matched and used up under one lock, expired on the devnet's clock.</summary>
internal sealed class FaultRules(TimeProvider time)
{
    private sealed class Entry(int id, FaultRule rule, DateTimeOffset? expires)
    {
        public int Id { get; } = id;
        public FaultRule Rule { get; } = rule;
        public DateTimeOffset? Expires { get; } = expires;
        public int Hits { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private int _nextId;
    private int _totalHits;

    public int TotalHits
    {
        get { lock (_gate) { return _totalHits; } }
    }

    public int Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule.Validate();
        lock (_gate)
        {
            var id = ++_nextId;
            _entries.Add(new Entry(id, rule, rule.For is { } window ? time.GetUtcNow() + window : null));
            return id;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    public IReadOnlyList<ActiveFault> Active()
    {
        lock (_gate)
        {
            Prune();
            return [.. _entries.Select(e => new ActiveFault(e.Id, e.Rule, e.Hits))];
        }
    }

    /// <summary>The oldest live rule matching <paramref name="route"/>, counted as hit (and dropped once used up); null if none.</summary>
    public FaultRule? Take(string? route)
    {
        lock (_gate)
        {
            if (_entries.Count == 0)
            {
                return null;
            }
            Prune();
            var entry = _entries.Find(e => e.Rule.Route == FaultRoutes.Any || e.Rule.Route == route);
            if (entry is null)
            {
                return null;
            }
            entry.Hits++;
            _totalHits++;
            if (entry.Rule.Count > 0 && entry.Hits >= entry.Rule.Count)
            {
                _entries.Remove(entry);
            }
            return entry.Rule;
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        _entries.RemoveAll(e => e.Expires is { } end && now >= end);
    }
}
