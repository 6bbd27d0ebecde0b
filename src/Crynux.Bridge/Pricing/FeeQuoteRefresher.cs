using Crynux.Bridge.Configuration;
using Crynux.Bridge.Engine.Services;

namespace Crynux.Bridge.Pricing;

/// <summary>Keeps the auto fee's queue snapshot and coefficients fresh: every task.fee_refresh_seconds while fee_mode is auto.</summary>
public sealed class FeeQuoteRefresher(FeeQuotes quotes, BridgeOptions options, TimeProvider time, ILogger<FeeQuoteRefresher> log) : EngineLoop(time, log)
{
    protected override string Name => "fee quotes";

    protected override async Task RunAsync(CancellationToken ct)
    {
        if (!quotes.AutoMode)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, Time, ct); // fixed fees: nothing to refresh
        }
        while (!ct.IsCancellationRequested)
        {
            await quotes.RefreshAsync(ct);
            await Task.Delay(TimeSpan.FromSeconds(options.Task.FeeRefreshSeconds), Time, ct);
        }
    }
}
