using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Engine.Services;

/// <summary><c>engine.workers</c> workers that take client tasks off the <see cref="WorkSet"/> and drive them, one at a time each.</summary>
public sealed class EngineWorkers(WorkSet work, TaskExecutor executor, IEngineScheduler scheduler, BridgeOptions options,
    ILogger<EngineWorkers> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Engine.Workers)).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));

    private async Task WorkAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            long id;
            try
            {
                id = await work.DequeueAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            work.Start(id);
            try
            {
                await executor.DriveAsync(id, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "Driving client task {Id} failed; retrying in 2 s", id);
                scheduler.DriveAfter(id, TimeSpan.FromSeconds(2));
            }
            finally
            {
                work.Done(id);
            }
        }
    }
}
