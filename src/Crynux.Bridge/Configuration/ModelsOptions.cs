namespace Crynux.Bridge.Configuration;

/// <summary>Which models this bridge offers, and its model catalog (docs/api.md "Models").</summary>
public sealed class ModelsOptions
{
    /// <summary>
    /// Model ids (any case) or prefixes ending in "*" that may be requested; empty = any model the network runs. A model
    /// the list does not name is answered 404 model_not_found, as one that does not exist.
    /// </summary>
    public List<string> Allow { get; set; } = [];

    /// <summary>Model ids or "prefix*" that are never offered; deny wins over allow.</summary>
    public List<string> Deny { get; set; } = [];

    /// <summary>Models listed in the catalog in addition to the Relay's (and on a Relay without /v2/loaded-models, instead of it).</summary>
    public List<ExtraModelOptions> Extra { get; set; } = [];

    /// <summary>How often the catalog is read from the Relay's GET /v2/loaded-models.</summary>
    [ConfigurationKeyName("catalog_refresh_seconds")]
    public int CatalogRefreshSeconds { get; set; } = 600;
}
