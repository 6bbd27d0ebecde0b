using Crynux.Bridge.Configuration;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Models;

/// <summary>
/// The models this bridge lists and the default min_vram of each: the Relay's GET /v2/loaded-models (read by
/// <see cref="ModelCatalogService"/>; kept, and served stale with a logged warning, while the Relay cannot answer),
/// merged with models.extra and the image aliases, filtered by models.allow / models.deny. Ids compare case-insensitively.
/// </summary>
public sealed class ModelCatalog(RelayClient relay, BridgeOptions options, ModelPolicy policy, TimeProvider time, ILogger<ModelCatalog> log) : IDisposable
{
    /// <summary>LLM tasks ask for this much VRAM (GB) when neither the request nor the catalog says (upstream's default).</summary>
    public const long DefaultLlmMinVram = 24;

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile CatalogSnapshot _snapshot = CatalogSnapshot.Empty;

    public CatalogSnapshot Snapshot => _snapshot;

    /// <summary>
    /// Reads the Relay's catalog once (one read at a time, so a later call always stores a later answer). A Relay without
    /// the route leaves the configured list; a failure keeps the last models and marks them stale. Never throws but on cancellation.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            IReadOnlyList<RelayLoadedModel>? rows;
            try
            {
                rows = await relay.GetLoadedModelsAsync(ct);
            }
            catch (RelayException e)
            {
                var last = _snapshot;
                _snapshot = last with { Source = last.ReadAt is null ? "config" : "relay-stale" };
                log.LogWarning("The Relay's model catalog could not be read ({Error}); serving the {Kind} list{Since}", e.Message,
                    last.ReadAt is null ? "configured" : "last read", last.ReadAt is { } at ? " of " + at.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "");
                return;
            }
            _snapshot = rows is null
                ? CatalogSnapshot.Empty
                : new CatalogSnapshot([.. rows.Where(r => ModelId.Check(r.ModelId) is null && r.ModelType is "llm" or "sd")
                    .Select(r => new CatalogModel(r.ModelId, r.ModelType, r.MinVram, r.InMemoryNodeCount, r.OnDiskNodeCount, "relay"))], "relay", time.GetUtcNow());
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Every model offered, by id: the Relay's, then models.extra (which may set a model's min_vram), then image aliases.</summary>
    public IReadOnlyList<CatalogModel> Models(string? type = null)
    {
        var byId = new Dictionary<string, CatalogModel>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in _snapshot.RelayModels)
        {
            byId[model.Id] = model;
        }
        foreach (var extra in options.Models.Extra)
        {
            byId[extra.Id] = byId.TryGetValue(extra.Id, out var known)
                ? known with { Id = extra.Id, MinVram = extra.MinVram > 0 ? extra.MinVram : known.MinVram }
                : new CatalogModel(extra.Id, extra.Type, extra.MinVram > 0 ? extra.MinVram : DefaultMinVram(extra.Type), null, null, "config");
        }
        foreach (var (name, model) in SdModels.Aliases)
        {
            if (!byId.ContainsKey(name))
            {
                var network = byId.GetValueOrDefault(model.NetworkName);
                byId[name] = new CatalogModel(name, "sd", (long)model.MinVram, network?.InMemoryNodeCount, network?.OnDiskNodeCount, "alias",
                    name.Equals(model.NetworkName, StringComparison.OrdinalIgnoreCase) ? null : model.NetworkName);
            }
        }
        return [.. byId.Values.Where(m => (type is null || m.Type == type) && policy.Allows(m.Id, m.AliasOf))
            .OrderBy(m => m.Id, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>One offered model by id (any case), or null.</summary>
    public CatalogModel? Find(string id, string? type = null) =>
        Models(type).FirstOrDefault(m => m.Id.Equals(id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The min_vram the catalog gives a model of this type, or null when it does not know the model.</summary>
    public long? MinVram(string id, string type)
    {
        var model = Find(id, type);
        return model is { MinVram: > 0 } ? model.MinVram : null;
    }

    public void Dispose() => _refresh.Dispose();

    private static long DefaultMinVram(string type) => type == "sd" ? (long)SdModels.DefaultMinVram : DefaultLlmMinVram;
}
