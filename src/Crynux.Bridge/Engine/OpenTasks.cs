using System.Collections.Concurrent;

namespace Crynux.Bridge.Engine;

/// <summary>
/// What this instance is driving, in memory: the commitments it owns (to pick its rows out of the network-wide event
/// stream), which client tasks want a GET resync, and when each Relay task last changed (for stage latencies and the sweep).
/// </summary>
public sealed class OpenTasks
{
    private readonly ConcurrentDictionary<string, long> _clientTaskByCommitment = new(StringComparer.Ordinal);
    // Client task → its open commitments, so that finishing one touches only its own entries.
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, byte>> _clientTasks = new();
    private readonly ConcurrentDictionary<long, byte> _syncRequested = new();
    private readonly ConcurrentDictionary<string, Activity> _activity = new(StringComparer.Ordinal);

    public int ClientTaskCount => _clientTasks.Count;

    public bool IsEmpty => _clientTasks.IsEmpty;

    public IEnumerable<long> ClientTasks => _clientTasks.Keys;

    public void Add(string commitment, long clientTaskId, long nowMs)
    {
        _clientTasks.GetOrAdd(clientTaskId, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(commitment, 0);
        if (_clientTaskByCommitment.TryAdd(commitment, clientTaskId))
        {
            _activity[commitment] = new Activity(nowMs, nowMs, 0, 0);
        }
    }

    public bool TryGetClientTask(string commitment, out long clientTaskId) => _clientTaskByCommitment.TryGetValue(commitment, out clientTaskId);

    public void RemoveCommitment(string commitment)
    {
        _clientTaskByCommitment.TryRemove(commitment, out _);
        _activity.TryRemove(commitment, out _);
    }

    public void RemoveClientTask(long clientTaskId)
    {
        _syncRequested.TryRemove(clientTaskId, out _);
        if (_clientTasks.TryRemove(clientTaskId, out var commitments))
        {
            foreach (var commitment in commitments.Keys)
            {
                RemoveCommitment(commitment);
            }
        }
    }

    public bool Contains(long clientTaskId) => _clientTasks.ContainsKey(clientTaskId);

    /// <summary>Notes a Relay state change of this task; returns the time of the previous one.</summary>
    public long Touch(string commitment, long nowMs)
    {
        var previous = _activity.TryGetValue(commitment, out var a) ? a.ChangedAt : nowMs;
        _activity[commitment] = new Activity(nowMs, nowMs, 0, 0);
        return previous;
    }

    public long LastChange(string commitment, long nowMs) => _activity.TryGetValue(commitment, out var a) ? a.ChangedAt : nowMs;

    /// <summary>
    /// The Relay expects this running task to end at <paramref name="dueMs"/>: the sweep leaves it alone until then, and
    /// <see cref="TakeDue"/> answers true from then on (once).
    /// </summary>
    public void Expect(string commitment, long dueMs)
    {
        if (_activity.TryGetValue(commitment, out var a))
        {
            _activity[commitment] = a with { DueAt = dueMs };
        }
    }

    /// <summary>Whether a task of this client task reached its expected end (then its estimate is used up).</summary>
    public bool TakeDue(long clientTaskId, long nowMs)
    {
        var due = false;
        if (_clientTasks.TryGetValue(clientTaskId, out var commitments))
        {
            foreach (var commitment in commitments.Keys)
            {
                if (_activity.TryGetValue(commitment, out var a) && a.DueAt > 0 && a.DueAt <= nowMs)
                {
                    _activity[commitment] = a with { DueAt = 0, CheckedAt = nowMs };
                    due = true;
                }
            }
        }
        return due;
    }

    public void RequestSync(long clientTaskId) => _syncRequested.TryAdd(clientTaskId, 0);

    public bool TakeSync(long clientTaskId) => _syncRequested.TryRemove(clientTaskId, out _);

    /// <summary>
    /// Client tasks with a Relay task that has not changed for a while: the event stream may have missed it. The wait doubles
    /// after each resync of the same task (up to 16×), so a long-running task costs few extra GETs.
    /// </summary>
    public List<long> Stale(long nowMs, long intervalMs)
    {
        var stale = new HashSet<long>();
        foreach (var (commitment, activity) in _activity)
        {
            var wait = intervalMs << Math.Min(activity.Resyncs, 4);
            if (activity.DueAt > nowMs)
            {
                continue; // asked about at the end the Relay estimates (TakeDue), not on the sweep's schedule
            }
            if (nowMs - activity.CheckedAt >= wait && _clientTaskByCommitment.TryGetValue(commitment, out var owner))
            {
                _activity[commitment] = activity with { CheckedAt = nowMs, Resyncs = activity.Resyncs + 1 };
                stale.Add(owner);
            }
        }
        return [.. stale];
    }

    /// <param name="DueAt">When the Relay expects the task to end (its estimate; 0 = none).</param>
    private readonly record struct Activity(long ChangedAt, long CheckedAt, int Resyncs, long DueAt);
}
