namespace Crynux.Bridge.Engine;

/// <summary>
/// Caps how many of this instance's original tasks of one kind (same models and GPU) wait in the Relay's queue at once;
/// the rest wait in the bridge's own database, in order. Without it a burst puts thousands of tasks in the Relay's
/// queue, and the validation members created after an original's VRF land behind all of them: every node can end up
/// holding an original that waits for siblings that cannot start (a stall until the Relay's deadlines). Validation
/// members always pass. Keyed by kind so that a model no node serves blocks only itself.
/// </summary>
public sealed class RelayQueueGate(int limitPerKind)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Kind, long ClientTaskId)> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _countByKind = new(StringComparer.Ordinal);
    // Waiting client tasks by kind, oldest (smallest id) first: a newcomer does not overtake a waiting task (only one just
    // woken and not yet back may lose its turn once; it then waits at the head of the line).
    private readonly Dictionary<string, SortedSet<long>> _waitingByKind = new(StringComparer.Ordinal);
    private int _waiting;

    public int Limit => limitPerKind;

    public int Queued
    {
        get
        {
            lock (_lock)
            {
                return _queued.Count;
            }
        }
    }

    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>
    /// Takes a place in the Relay's queue for a task about to be created. False when its kind has no place free or an
    /// earlier client task waits for one; the client task is then remembered and woken (returned by a later call, for the
    /// caller to schedule) in id order. <paramref name="bypass"/> for validation members.
    /// </summary>
    public bool TryEnter(string commitment, string kind, long clientTaskId, bool bypass, out long? wake)
    {
        wake = null;
        lock (_lock)
        {
            if (_queued.ContainsKey(commitment))
            {
                return true;
            }
            var count = _countByKind.GetValueOrDefault(kind);
            var waiting = _waitingByKind.TryGetValue(kind, out var set) ? set : null;
            if (bypass || (count < limitPerKind && (waiting is null || waiting.Count == 0 || waiting.Min >= clientTaskId)))
            {
                if (waiting?.Remove(clientTaskId) == true)
                {
                    _waiting--;
                }
                _queued[commitment] = (kind, clientTaskId);
                _countByKind[kind] = count + 1;
                return true;
            }
            waiting ??= _waitingByKind[kind] = [];
            if (waiting.Add(clientTaskId))
            {
                _waiting++;
            }
            if (count < limitPerKind)
            {
                // A place is free but an earlier task waits for it: wake that one instead.
                wake = Pop(waiting);
            }
            return false;
        }
    }

    /// <summary>A task seen queued at the Relay (after a restart, or by a pass of its client task): counts it.</summary>
    public void Observe(string commitment, string kind, long clientTaskId) => TryEnter(commitment, kind, clientTaskId, bypass: true, out _);

    /// <summary>The task left the Relay's queue (started, ended, failed to create); returns the client task to wake, if any.</summary>
    public long? Left(string commitment)
    {
        lock (_lock)
        {
            if (!_queued.Remove(commitment, out var entry))
            {
                return null;
            }
            var count = --_countByKind[entry.Kind];
            return count < limitPerKind && _waitingByKind.TryGetValue(entry.Kind, out var waiting) && waiting.Count > 0 ? Pop(waiting) : null;
        }
    }

    /// <summary>Forgets the client task (it finished or moved to another instance); returns client tasks to wake.</summary>
    public List<long> ReleaseClientTask(long clientTaskId)
    {
        List<string> commitments;
        lock (_lock)
        {
            foreach (var waiting in _waitingByKind.Values)
            {
                if (waiting.Remove(clientTaskId))
                {
                    _waiting--;
                }
            }
            commitments = [.. _queued.Where(e => e.Value.ClientTaskId == clientTaskId).Select(e => e.Key)];
        }
        var wake = new List<long>();
        foreach (var commitment in commitments)
        {
            if (Left(commitment) is { } next)
            {
                wake.Add(next);
            }
        }
        return wake;
    }

    private long Pop(SortedSet<long> waiting)
    {
        var first = waiting.Min;
        waiting.Remove(first);
        _waiting--;
        return first;
    }
}
