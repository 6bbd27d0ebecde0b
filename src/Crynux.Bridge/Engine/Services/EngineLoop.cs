namespace Crynux.Bridge.Engine.Services;

/// <summary>A hosted loop that survives its own failures: a database or Relay outage is logged and the loop starts again.</summary>
public abstract class EngineLoop(TimeProvider time, ILogger log) : BackgroundService
{
    protected TimeProvider Time => time;

    protected long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    protected abstract string Name { get; }

    protected abstract Task RunAsync(CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Nothing accepted is dropped (it is all in the database): log, wait, and go on.
                log.LogError(e, "Engine {Loop} loop failed; restarting in 1 s", Name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
