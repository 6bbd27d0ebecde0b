namespace Crynux.Bridge.Bench;

/// <summary>
/// Sizes of every scenario: quick (a smoke run under two minutes) or full. The largest concurrent latency run is done once
/// (last repeat) and only at the first poll interval. 10,000 streams are not in the default full plan (about 5 more
/// minutes); add them with <c>--streams 100,1000,10000</c>.
/// </summary>
internal sealed record Plan
{
    public required bool Quick { get; init; }
    public required int Repeats { get; init; }
    public required int SequentialN { get; init; }
    public required int[] ConcurrentN { get; init; }
    public required int[] PollIntervalsMs { get; init; }
    /// <summary>Concurrent chats of the Relay-cost scenario, one run each.</summary>
    public required int[] RelayTasks { get; init; }

    /// <summary>Relay generations the Relay-cost scenario runs on (--protocol 2025,2026); the other scenarios use the first.</summary>
    public int[] Protocols { get; init; } = [DefaultProtocol, 2026];

    /// <summary>The Relay generation of the scenarios that do not name one (their figures were measured on it).</summary>
    public const int DefaultProtocol = 2025;
    public required int LongDelayMs { get; init; }
    public required int[] InFlight { get; init; }
    public required int PollWindowSeconds { get; init; }
    public required int LastPollWindowSeconds { get; init; }
    public required int[] HoldStreams { get; init; }
    public required int HoldDelayMs { get; init; }
    public required int[] AdmissionConcurrency { get; init; }
    public required int[] BurstConcurrency { get; init; }
    public required double AdmissionSeconds { get; init; }
    public required int PacedRequests { get; init; }
    /// <summary>Concurrency levels of the CPU-per-task scenario; at 1, <see cref="CpuSequentialTasks"/> tasks run one after another.</summary>
    public required int[] CpuConcurrency { get; init; }
    public required int CpuSequentialTasks { get; init; }

    /// <summary>api.keep_alive_seconds in the keepalive scenario (short, so that a run sees many periods).</summary>
    public int KeepAliveSeconds { get; init; } = 1;

    public static Plan QuickPlan { get; } = new()
    {
        Quick = true,
        Repeats = 1,
        SequentialN = 10,
        ConcurrentN = [10],
        PollIntervalsMs = [200],
        RelayTasks = [1, 20],
        LongDelayMs = 2000,
        InFlight = [1, 50],
        PollWindowSeconds = 2,
        LastPollWindowSeconds = 2,
        HoldStreams = [100],
        HoldDelayMs = 3000,
        AdmissionConcurrency = [1, 8],
        BurstConcurrency = [8],
        AdmissionSeconds = 1,
        PacedRequests = 5,
        CpuConcurrency = [1, 10],
        CpuSequentialTasks = 10,
    };

    public static Plan FullPlan { get; } = new()
    {
        Quick = false,
        Repeats = 3,
        SequentialN = 100,
        ConcurrentN = [10, 100, 1000],
        PollIntervalsMs = [200, 20],
        RelayTasks = [1, 20, 100],
        LongDelayMs = 60_000,
        InFlight = [1, 100, 1000],
        PollWindowSeconds = 5,
        LastPollWindowSeconds = 65,
        HoldStreams = [100, 1000],
        HoldDelayMs = 30_000,
        AdmissionConcurrency = [1, 4, 16, 64],
        BurstConcurrency = [16, 64],
        AdmissionSeconds = 3,
        PacedRequests = 20,
        CpuConcurrency = [1, 100, 1000],
        CpuSequentialTasks = 100,
    };
}
