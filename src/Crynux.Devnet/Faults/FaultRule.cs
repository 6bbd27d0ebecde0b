namespace Crynux.Devnet;

/// <summary>
/// One fault on client Relay requests, added with <see cref="DevnetControl.AddFault"/> or POST /devnet/faults.
/// Count-based by default; <see cref="For"/> bounds it in time on the devnet's clock.
/// </summary>
public sealed record FaultRule
{
    private readonly int? _statusCode;

    /// <summary>
    /// Which requests it matches: "create", "get", "validate", "abort", "results", "checkpoint", "events", "batch", "pricing" or "any"
    /// (see the devnet README for the routes behind each name).
    /// </summary>
    public string Route { get; init; } = FaultRoutes.Any;

    public FaultKind Kind { get; init; } = FaultKind.Status;

    public FaultTiming Timing { get; init; } = FaultTiming.AfterHandling;

    /// <summary>Status of <see cref="FaultKind.Status"/> (default 502) and <see cref="FaultKind.Html"/> (default 200).</summary>
    public int StatusCode
    {
        get => _statusCode ?? (Kind == FaultKind.Html ? 200 : 502);
        init => _statusCode = value;
    }

    /// <summary>How many matching requests it affects; 0 = every matching request while the rule lives.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Optional lifetime from when the rule is added, on the devnet's clock.</summary>
    public TimeSpan? For { get; init; }

    /// <summary>Hold time of <see cref="FaultKind.Delay"/>, in wall-clock milliseconds (it imitates the network).</summary>
    public int DelayMs { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that cannot work.</summary>
    public void Validate()
    {
        if (!FaultRoutes.IsKnown(Route))
        {
            throw new ArgumentException($"Unknown fault route '{Route}'; use one of {string.Join(", ", FaultRoutes.Names)}.");
        }
        if (!Enum.IsDefined(Kind) || !Enum.IsDefined(Timing))
        {
            throw new ArgumentException("Unknown fault kind or timing.");
        }
        if (StatusCode is < 100 or > 599)
        {
            throw new ArgumentException("Fault status must be 100..599.");
        }
        if (Count < 0)
        {
            throw new ArgumentException("Fault count must be >= 0 (0 = unlimited).");
        }
        if (For is { } window && window <= TimeSpan.Zero)
        {
            throw new ArgumentException("Fault window must be positive.");
        }
        if (DelayMs < 0)
        {
            throw new ArgumentException("Fault delay_ms must be >= 0.");
        }
    }
}
