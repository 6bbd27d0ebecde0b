using Crynux.Bridge.Configuration;
using Crynux.Bridge.Engine.Services;

namespace Crynux.Bridge.Models;

/// <summary>Reads the Relay's model catalog at start and every models.catalog_refresh_seconds.</summary>
public sealed class ModelCatalogService(ModelCatalog catalog, BridgeOptions options, TimeProvider time, ILogger<ModelCatalogService> log) : EngineLoop(time, log)
{
    protected override string Name => "model catalog";

    protected override async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await catalog.RefreshAsync(ct);
            await Task.Delay(TimeSpan.FromSeconds(options.Models.CatalogRefreshSeconds), Time, ct);
        }
    }
}
