using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Engine.Services;

/// <summary>Deletes result folders older than <c>data_dir.inference_tasks_retention_days</c>, hourly.</summary>
public sealed class RetentionService(ResultFiles files, BridgeOptions options, TimeProvider time, ILogger<RetentionService> log) : EngineLoop(time, log)
{
    protected override string Name => "retention";

    protected override async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var days = options.DataDir.InferenceTasksRetentionDays;
            if (days > 0)
            {
                var deleted = files.DeleteOlderThan(Time.GetUtcNow().AddDays(-days));
                if (deleted > 0)
                {
                    log.LogInformation("Deleted {Count} result folders older than {Days} days", deleted, days);
                }
            }
            await Task.Delay(TimeSpan.FromHours(1), Time, ct);
        }
    }
}
