using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Engine.Services;

/// <summary>
/// Leases: renews this instance's, and claims open client tasks whose lease is free or expired (at start-up also its
/// own from before a restart), in pages. A claimed task is resynced with a GET: the events of the gap are unknown.
/// </summary>
public sealed class LeaseService(TaskStore store, OpenTasks open, IEngineScheduler scheduler, EngineScheduler events, BridgeOptions options,
    EngineIdentity identity, TimeProvider time, ILogger<LeaseService> log) : EngineLoop(time, log)
{
    public const int Page = 200;

    private bool _startup = true;

    protected override string Name => "leases";

    private long LeaseMs => options.Engine.LeaseSeconds * 1000L;

    protected override async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await RunOnceAsync(ct);
            await Task.Delay(TimeSpan.FromMilliseconds(LeaseMs / 3), Time, ct);
        }
    }

    /// <summary>One round: renew, then claim page by page. Returns the client tasks claimed.</summary>
    public async Task<List<long>> RunOnceAsync(CancellationToken ct)
    {
        await store.RenewLeasesAsync(identity.InstanceId, NowMs + LeaseMs, ct);
        var all = new List<long>();
        List<long> claimed;
        var after = 0L;
        do
        {
            claimed = await store.ClaimAsync(identity.InstanceId, NowMs, NowMs + LeaseMs, Page, _startup, after, ct);
            foreach (var id in claimed.Where(id => !open.Contains(id)))
            {
                foreach (var (commitment, owner) in await store.OpenCommitmentsAsync(id, ct))
                {
                    open.Add(commitment, owner, NowMs);
                }
                open.RequestSync(id);
                scheduler.Drive(id);
            }
            all.AddRange(claimed);
            after = claimed.Count > 0 ? claimed[^1] : after;
        }
        while (claimed.Count == Page);
        _startup = false;
        if (all.Count > 0)
        {
            log.LogDebug("Leases: claimed {Count} client tasks (first {First})", all.Count, all[0]);
            events.WakeEvents();
        }
        return all;
    }
}
