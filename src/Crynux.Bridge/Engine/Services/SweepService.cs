using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Engine.Services;

/// <summary>
/// The slow sweep: every <c>relay.reconcile_interval_seconds</c>, client tasks with a Relay task that has not changed for
/// that long are resynced with a GET (the event stream may have missed something), backing off per task.
/// </summary>
public sealed class SweepService(OpenTasks open, IEngineScheduler scheduler, BridgeOptions options, TimeProvider time, ILogger<SweepService> log)
    : EngineLoop(time, log)
{
    protected override string Name => "sweep";

    private TimeSpan Interval => TimeSpan.FromSeconds(options.Relay.ReconcileIntervalSeconds);

    protected override async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(Interval, Time, ct);
            SweepOnce();
        }
    }

    /// <summary>Requests a resync of every stale client task; returns them.</summary>
    public List<long> SweepOnce()
    {
        var stale = open.Stale(NowMs, (long)Interval.TotalMilliseconds);
        foreach (var id in stale)
        {
            open.RequestSync(id);
            scheduler.Drive(id);
        }
        return stale;
    }
}
