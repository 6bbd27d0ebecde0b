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

    /// <summary>An SD fine-tune task's input checkpoint as the creator uploaded it (null: none, or no such task).</summary>
    public byte[]? GetInputCheckpoint(string commitment) => _relay.Snapshot(commitment) is null ? null : _relay.InputCheckpoint(commitment);

    /// <summary>An SD fine-tune task's checkpoint as its node uploaded it (null: none yet, or no such task).</summary>
    public byte[]? GetResultCheckpoint(string commitment) => _relay.Snapshot(commitment) is null ? null : _relay.Results(commitment).Checkpoint;

    public IReadOnlyList<TaskSnapshot> GetTasks() => _relay.AllTasks();

    public NodeSnapshot? GetNode(string address) => _relay.Node(address);

    public IReadOnlyList<NodeSnapshot> GetNodes() => _relay.AllNodes();

    public IReadOnlyList<RelayEvent> GetEvents(long start = 0) => _relay.Events(start, null, null, null, -1);

    /// <summary>
    /// Runs the timeout processor and one matching round now, and refreshes the queue-priority snapshot when its
    /// interval has passed (for tests driving a FakeTimeProvider).
    /// </summary>
    public (int Aborted, int Started) RunDueTimers()
    {
        _relay.RefreshPrioritySnapshotIfDue();
        var aborted = _relay.ProcessTimeouts();
        return (aborted, _relay.MatchQueuedTasks());
    }

    /// <summary>The Relay generation this devnet speaks (2025 or 2026).</summary>
    public int Protocol => _relay.Options.Protocol;

    /// <summary>Takes the /v2/tasks/queued/priority snapshot now; returns the queued count it saw.</summary>
    public int RefreshQueuedPrioritySnapshot() => _relay.RefreshPrioritySnapshot().Count;

    /// <summary>
    /// Sets the /v2/tasks/queued/priority snapshot as if <paramref name="count"/> tasks with these priorities (GWei per
    /// VRAM-weighted node-second) were queued; it stands until the next refresh (its period, or RefreshQueuedPrioritySnapshot).
    /// </summary>
    public void SetQueuedPrioritySnapshot(int count, System.Numerics.BigInteger? highestGwei, System.Numerics.BigInteger? medianGwei,
        System.Numerics.BigInteger? lowestGwei) => _relay.SetPrioritySnapshot(count, highestGwei, medianGwei, lowestGwei);

    /// <summary>The hub's repositories ("org/name" or "org/name+variant", "*" = all) for the 2026 base-model check.</summary>
    public IReadOnlyList<string> HubModels => _relay.BaseModels.Models;

    public void AddHubModel(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _relay.BaseModels.AddModel(model);
    }

    /// <summary>A status the hub answers every lookup with (5xx = unavailable); null = look in <see cref="HubModels"/>.</summary>
    public int? HubForcedStatus
    {
        get => _relay.BaseModels.ForcedStatus;
        set
        {
            if (value is < 100 or > 599)
            {
                throw new ArgumentException("Hub status must be 100..599.");
            }
            _relay.BaseModels.ForcedStatus = value;
        }
    }

    /// <summary>False makes every hub lookup fail as a hub outage (503): creates get "base model check temporarily unavailable".</summary>
    public bool HubAvailable
    {
        get => HubForcedStatus is null or < 500;
        set => HubForcedStatus = value ? null : 503;
    }

    /// <summary>A node's row gets another GPU (a re-join with other cards); tasks keep their execution-GPU copy. False for an unknown node.</summary>
    public bool SetNodeGpu(string address, string gpuName, ulong gpuVram)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gpuName);
        return _relay.SetNodeGpu(address, gpuName, gpuVram);
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
