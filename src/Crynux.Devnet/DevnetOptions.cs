namespace Crynux.Devnet;

/// <summary>Every knob of the devnet. Defaults are the real Relay's values (docs/protocol.md §4.5, §4.6, §1.2).</summary>
public sealed class DevnetOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks an ephemeral port.</summary>
    public int Port { get; set; }

    /// <summary>Address to listen on. Loopback unless told otherwise.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The simulated nodes. Empty = no nodes (tasks stay queued).</summary>
    public IList<NodeOptions> Nodes { get; init; } = [.. Enumerable.Range(0, 4).Select(_ => new NodeOptions())];

    /// <summary>How often queued tasks are matched to nodes. Zero = match at once on create and on node release.</summary>
    public TimeSpan MatchingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often deadlines are checked (the Relay's timeout processor runs every 2 s).</summary>
    public TimeSpan TimeoutCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(21600);
    public TimeSpan AppValidationTimeout { get; set; } = TimeSpan.FromSeconds(600);
    public TimeSpan ResultUploadTimeout { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>Execution timeout = ceil(clamp(min, max, estimate × multiplier)) seconds, set at dispatch.</summary>
    public int MinExecutionTimeoutSeconds { get; set; } = 60;
    public int MaxExecutionTimeoutSeconds { get; set; } = 7200;
    public double TimeoutMultiplier { get; set; } = 2;

    /// <summary>
    /// SD group comparison: every 8-byte pHash block must differ in fewer bits than this. The Relay's example config
    /// says 0 (which fails every comparison); production must be positive, so the devnet defaults to 10.
    /// </summary>
    public int DistanceThreshold { get; set; } = 10;

    /// <summary>dao.task_fee_share_percent: the DAO's share of every paid task fee.</summary>
    public int DaoFeeSharePercent { get; set; }

    /// <summary>Accepted clock skew of signed requests (±, inclusive).</summary>
    public int SignatureWindowSeconds { get; set; } = 60;

    public long MaxBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Behaviour of nodes that do not set their own.</summary>
    public NodeBehaviour DefaultNodeBehaviour { get; set; } = new();

    /// <summary>Faults injected into client (non-node) Relay requests.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>Seed for node choice and node fault sampling, so runs are reproducible.</summary>
    public int RandomSeed { get; set; } = 1;

    /// <summary>Log requests to the console (standalone); off in-process unless set.</summary>
    public bool EnableLogging { get; set; }

    /// <summary>Relay accounts (address → wei) funded before the devnet answers its first request.</summary>
    public IDictionary<string, System.Numerics.BigInteger> Funds { get; init; } = new Dictionary<string, System.Numerics.BigInteger>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Clock for signatures, deadlines and node delays; the system clock by default.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Which Relay generation to speak: 2025 (indexed result download only) or 2026 (whole-task results, batch
    /// endpoints, base-model check, v2 catalog, pricing and queue-priority routes). See README.md.
    /// </summary>
    public int Protocol { get; set; } = DefaultProtocol;

    /// <summary>The default of <see cref="Protocol"/>, in-process and standalone alike.</summary>
    public const int DefaultProtocol = 2026;

    /// <summary>Item limits of the 2026 batch endpoints (task.batch_*_max_items).</summary>
    public int BatchCreateMaxItems { get; set; } = 100;
    public int BatchStatusMaxItems { get; set; } = 500;
    public int BatchValidateMaxItems { get; set; } = 100;
    public int BatchAbortMaxItems { get; set; } = 100;

    /// <summary>task.result_max_uncompressed_bytes: the largest whole-task result (sum of its files) served.</summary>
    public long ResultMaxUncompressedBytes { get; set; } = 1L << 30;

    /// <summary>The model hub that the 2026 base-model check asks about models on no node's disk.</summary>
    public ModelHubOptions Hub { get; set; } = new();

    /// <summary>How often the /v2/tasks/queued/priority snapshot is refreshed (also at start and on RunDueTimers).</summary>
    public TimeSpan QueuedPrioritySnapshotInterval { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first knob that cannot work.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException(message);
            }
        }
        Check(Port is >= 0 and <= 65535, "Port must be 0..65535.");
        Check(System.Net.IPAddress.TryParse(ListenAddress, out _), "ListenAddress must be an IP address.");
        Check(MatchingInterval >= TimeSpan.Zero, "MatchingInterval must not be negative.");
        Check(TimeoutCheckInterval > TimeSpan.Zero, "TimeoutCheckInterval must be positive.");
        Check(QueueTimeout >= TimeSpan.Zero && AppValidationTimeout >= TimeSpan.Zero && ResultUploadTimeout >= TimeSpan.Zero,
            "Deadlines must not be negative.");
        Check(MinExecutionTimeoutSeconds >= 0 && MaxExecutionTimeoutSeconds >= MinExecutionTimeoutSeconds,
            "Execution timeouts need 0 <= min <= max.");
        Check(TimeoutMultiplier > 0, "TimeoutMultiplier must be positive.");
        Check(DaoFeeSharePercent is >= 0 and <= 100, "DaoFeeSharePercent must be 0..100.");
        Check(SignatureWindowSeconds >= 0, "SignatureWindowSeconds must not be negative.");
        Check(MaxBodyBytes > 0, "MaxBodyBytes must be positive.");
        Check(Protocol is 2025 or 2026, "Protocol must be 2025 or 2026.");
        Check(BatchCreateMaxItems > 0 && BatchStatusMaxItems > 0 && BatchValidateMaxItems > 0 && BatchAbortMaxItems > 0,
            "Batch item limits must be positive.");
        Check(ResultMaxUncompressedBytes > 0, "ResultMaxUncompressedBytes must be positive.");
        Check(QueuedPrioritySnapshotInterval > TimeSpan.Zero, "QueuedPrioritySnapshotInterval must be positive.");
        Check(Hub.Models.All(m => !string.IsNullOrWhiteSpace(m)), "Hub model names must not be empty.");
        foreach (var node in Nodes)
        {
            Check(node.Version.Split('.').Length == 3 && node.Version.Split('.').All(p => p.Length > 0 && p.All(char.IsAsciiDigit)),
                $"Node version '{node.Version}' must be X.Y.Z.");
            Check(!string.IsNullOrWhiteSpace(node.GpuName), "Node GpuName must not be empty.");
            Check(node.GpuCount is >= 1 and <= 64, "Node GpuCount must be 1..64.");
        }
        foreach (var behaviour in Nodes.Select(n => n.Behaviour).Append(DefaultNodeBehaviour).OfType<NodeBehaviour>())
        {
            behaviour.Validate();
        }
        Faults.Validate();
    }
}
