using System.Numerics;

namespace Crynux.Devnet.Relay;

/// <summary>
/// The Relay's state: tasks, nodes, accounts and events behind one lock, so that every status change, its ledger
/// movements and its event row commit together (the Relay does them in one DB transaction).
/// </summary>
internal sealed partial class RelayCore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RelayTask> _tasks = new(StringComparer.Ordinal);
    private readonly List<RelayTask> _taskOrder = [];

    /// <summary>Non-terminal tasks: what matching and the deadline processor look at.</summary>
    private readonly HashSet<RelayTask> _open = [];
    private readonly Dictionary<string, NodeRecord> _nodes = new(StringComparer.Ordinal);
    private readonly Ledger _ledger = new();
    private readonly EventLog _events = new();
    private readonly Queue<string> _samplingSeeds = new();
    private readonly List<NodeNotice> _pendingNotices = [];
    private readonly DevnetOptions _options;
    private readonly Models.BaseModelCheck _baseModels;
    private readonly Random _random;
    private TaskCompletionSource _changed = NewSignal();
    private bool _matchRequested;

    public RelayCore(DevnetOptions options, TimeProvider time, string relayAddress)
    {
        _options = options;
        Time = time;
        RelayAddress = relayAddress;
        _random = new Random(options.RandomSeed);
        _baseModels = new Models.BaseModelCheck(options.Hub);
        RefreshPrioritySnapshot();
    }

    /// <summary>The 2026 base-model check's hub (models and availability), changeable at run time.</summary>
    public Models.BaseModelCheck BaseModels => _baseModels;

    public TimeProvider Time { get; }

    /// <summary>The issuer of Relay-driven aborts (timeouts), like the Relay's first blockchain account.</summary>
    public string RelayAddress { get; }

    public DevnetOptions Options => _options;

    /// <summary>Raised after commit for every status change that concerns a node.</summary>
    public event Action<NodeNotice>? NodeNotified;

    /// <summary>Runs <paramref name="body"/> under the lock, then signals waiters and notifies nodes.</summary>
    private T Commit<T>(Func<T> body)
    {
        T result;
        NodeNotice[] notices;
        bool match;
        TaskCompletionSource changed;
        lock (_gate)
        {
            _pendingNotices.Clear();
            _matchRequested = false;
            result = body();
            notices = [.. _pendingNotices];
            _pendingNotices.Clear();
            match = _matchRequested && _options.MatchingInterval == TimeSpan.Zero;
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
        foreach (var notice in notices)
        {
            NodeNotified?.Invoke(notice);
        }
        if (match)
        {
            MatchQueuedTasks();
        }
        return result;
    }

    private void Commit(Action body) => Commit(() => { body(); return true; });

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DateTimeOffset Now => Time.GetUtcNow();

    public void AddNode(NodeRecord node) => Commit(() =>
    {
        _nodes[node.Address] = node;
        _matchRequested = true;
    });

    public void Fund(string address, BigInteger wei) => Commit(() => _ledger.Move(address, LedgerKind.Fund, wei, null, Now));

    public BigInteger Balance(string address)
    {
        lock (_gate)
        {
            return _ledger.Balance(address);
        }
    }

    public IReadOnlyList<LedgerEntry> LedgerEntries(string? address)
    {
        lock (_gate)
        {
            return _ledger.Entries(address);
        }
    }

    public void EnqueueSamplingSeed(byte[] seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (seed.Length != 32)
        {
            throw new ArgumentException("A sampling seed is 32 bytes.", nameof(seed));
        }
        lock (_gate)
        {
            _samplingSeeds.Enqueue(Crypto.Hex.Encode(seed));
        }
    }

    public TaskSnapshot? Snapshot(string commitment)
    {
        lock (_gate)
        {
            return _tasks.TryGetValue(commitment, out var task) ? TaskSnapshot.From(task) : null;
        }
    }

    public IReadOnlyList<TaskSnapshot> AllTasks()
    {
        lock (_gate)
        {
            return [.. _taskOrder.Select(TaskSnapshot.From)];
        }
    }

    public NodeSnapshot? Node(string address)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(address, out var node) ? NodeSnapshot.From(node) : null;
        }
    }

    public IReadOnlyList<NodeSnapshot> AllNodes()
    {
        lock (_gate)
        {
            return [.. _nodes.Values.Select(NodeSnapshot.From)];
        }
    }

    public long QueuedCount()
    {
        lock (_gate)
        {
            return _open.LongCount(t => t.Status == RelayTaskStatus.Queued);
        }
    }

    public (ulong All, ulong Busy, ulong Active) NodeNumbers()
    {
        lock (_gate)
        {
            return ((ulong)_nodes.Count,
                (ulong)_nodes.Values.Count(n => n.Status == NodeStatus.Busy),
                (ulong)_nodes.Values.Count(n => n.Status != NodeStatus.Quit));
        }
    }

    public long CurrentEventId(string? type, string? node, string? commitment)
    {
        lock (_gate)
        {
            return _events.Query(0, type, node, commitment).Select(e => e.Id).DefaultIfEmpty(0).Max();
        }
    }

    public IReadOnlyList<RelayEvent> Events(long start, string? type, string? node, string? commitment, int limit)
    {
        lock (_gate)
        {
            var rows = _events.Query(start, type, node, commitment);
            return limit < 0 ? [.. rows] : [.. rows.Take(limit)];
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the task (or the task exists), without polling.</summary>
    public async Task<TaskSnapshot> WaitForTaskAsync(string commitment, Func<TaskSnapshot, bool> condition, CancellationToken ct)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_tasks.TryGetValue(commitment, out var task))
                {
                    var snapshot = TaskSnapshot.From(task);
                    if (condition(snapshot))
                    {
                        return snapshot;
                    }
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(ct);
        }
    }

    /// <summary>Result files of a finished task, for downloads (and the node's own evidence view).</summary>
    public (RelayTaskStatus Status, IReadOnlyList<byte[]> Files, byte[]? Checkpoint, TaskType Type) Results(string commitment)
    {
        lock (_gate)
        {
            var task = _tasks[commitment];
            return (task.Status, task.ResultFiles, task.ResultCheckpoint, task.TaskType);
        }
    }
}
