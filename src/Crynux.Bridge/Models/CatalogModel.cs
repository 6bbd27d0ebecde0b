namespace Crynux.Bridge.Models;

/// <summary>
/// A model of the catalog: from the Relay's /v2/loaded-models, from models.extra, or an image alias (then
/// <see cref="AliasOf"/> names the network model it stands for). Node counts are null when the Relay did not report the model.
/// </summary>
public sealed record CatalogModel(string Id, string Type, long MinVram, int? InMemoryNodeCount, int? OnDiskNodeCount, string Source, string? AliasOf = null);
