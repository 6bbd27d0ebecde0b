using System.Numerics;
using Crynux.Devnet.Http;
using Crynux.Devnet.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet;

/// <summary>The devnet's admin surface: accounts, ledger, counters, faults, node behaviour, sampling seeds, timers, snapshots.</summary>
public sealed class DevnetControl
{
    private readonly RelayCore _relay;
    private readonly FaultState _faults;
    private readonly FaultRules _faultRules;
    private readonly NodeBehaviourSource _defaultBehaviour;
    private readonly IReadOnlyDictionary<string, SimulatedNode> _nodes;

    internal DevnetControl(RelayCore relay, RequestCounters counters, FaultState faults, FaultRules faultRules, NodeBehaviourSource defaultBehaviour,
        IReadOnlyDictionary<string, SimulatedNode> nodes)
    {
        _relay = relay;
        Requests = counters;
        _faults = faults;
        _faultRules = faultRules;
        _defaultBehaviour = defaultBehaviour;
        _nodes = nodes;
    }

    /// <summary>Relay request counts: total, client vs node, per route.</summary>
    public RequestCounters Requests { get; }

    /// <summary>Issuer of Relay-driven aborts (timeouts) in events.</summary>
    public string RelayAddress => _relay.RelayAddress;

    /// <summary>Addresses of the simulated nodes, in configuration order.</summary>
    public IReadOnlyList<string> NodeAddresses => [.. _nodes.Values.OrderBy(n => n.Index).Select(n => n.Address)];

    /// <summary>Credits a relay account (devnet admin deposit, recorded in the ledger as Fund).</summary>
    public void Fund(string address, BigInteger wei)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        _relay.Fund(address, wei);
    }

    public BigInteger GetBalance(string address) => _relay.Balance(address);

    /// <summary>Every balance movement of one address, or of all addresses when null, oldest first.</summary>
    public IReadOnlyList<LedgerEntry> GetLedger(string? address = null) => _relay.LedgerEntries(address);

    public FaultOptions Faults
    {
        get => _faults.Options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _faults.Options = value;
        }
    }

    /// <summary>Answers the next <paramref name="count"/> client requests with <paramref name="statusCode"/>.</summary>
    public void FailNextRequests(int count, int statusCode = 503) =>
        Faults = _faults.Options with { FailNextRequests = count, FailureStatusCode = statusCode };

    /// <summary>Adds a fault rule on client Relay requests; returns its id. Throws <see cref="ArgumentException"/> for a bad rule.</summary>
    public int AddFault(FaultRule rule) => _faultRules.Add(rule);

    /// <summary>Removes every fault rule and turns the <see cref="Faults"/> knobs off.</summary>
    public void ClearFaults()
    {
        _faultRules.Clear();
        _faults.Options = new FaultOptions();
    }

    /// <summary>The live fault rules (not used up, not expired), oldest first, with their hits so far.</summary>
    public IReadOnlyList<ActiveFault> GetFaults() => _faultRules.Active();

    /// <summary>Requests hit by any fault rule since the devnet started (rules cleared or used up included).</summary>
    public int FaultHits => _faultRules.TotalHits;

    public NodeBehaviour DefaultNodeBehaviour
    {
        get => _defaultBehaviour.Current;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _defaultBehaviour.Current = value;
        }
    }

    /// <summary>Sets one node's behaviour (null = follow the default). False for an unknown node.</summary>
    public bool SetNodeBehaviour(string address, NodeBehaviour? behaviour)
    {
        if (!_nodes.TryGetValue(address, out var node))
        {
            return false;
        }
        behaviour?.Validate();
        node.Behaviour = behaviour;
        return true;
    }

    /// <summary>The sampling seed of the next created task(s), FIFO; 32 bytes.</summary>
    public void EnqueueSamplingSeed(byte[] seed) => _relay.EnqueueSamplingSeed(seed);

    public TaskSnapshot? GetTask(string commitment) => _relay.Snapshot(commitment);

    public IReadOnlyList<TaskSnapshot> GetTasks() => _relay.AllTasks();

    public NodeSnapshot? GetNode(string address) => _relay.Node(address);

    public IReadOnlyList<NodeSnapshot> GetNodes() => _relay.AllNodes();

    public IReadOnlyList<RelayEvent> GetEvents(long start = 0) => _relay.Events(start, null, null, null, -1);

    /// <summary>Runs the timeout processor and one matching round now (for tests driving a FakeTimeProvider).</summary>
    public (int Aborted, int Started) RunDueTimers()
    {
        var aborted = _relay.ProcessTimeouts();
        return (aborted, _relay.MatchQueuedTasks());
    }

    /// <summary>Slashes a node: its current task ends EndAborted (NodeSlashed, refunded) and the node quits.</summary>
    public bool SlashNode(string address) => _relay.SlashNode(address);

    /// <summary>Waits (without polling) until the task exists and <paramref name="condition"/> holds.</summary>
    public Task<TaskSnapshot> WaitForTaskAsync(string commitment, Func<TaskSnapshot, bool> condition, CancellationToken ct = default) =>
        _relay.WaitForTaskAsync(commitment, condition, ct);

    /// <summary>Waits until the task reaches one of <paramref name="statuses"/>.</summary>
    public Task<TaskSnapshot> WaitForStatusAsync(string commitment, CancellationToken ct, params RelayTaskStatus[] statuses) =>
        _relay.WaitForTaskAsync(commitment, t => statuses.Contains(t.Status), ct);

    /// <summary>Failed Relay calls made by simulated nodes (should stay 0 unless faults are injected on purpose).</summary>
    public int NodeFailedCalls => _nodes.Values.Sum(n => n.FailedCalls);

    /// <summary>Starts one more simulated node and registers it with the Relay (a node joining); returns its address.</summary>
    public string AddNode(NodeOptions node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return JoinNode?.Invoke(node) ?? throw new InvalidOperationException("The devnet is not running.");
    }

    internal Func<NodeOptions, string>? JoinNode { get; set; }
}
