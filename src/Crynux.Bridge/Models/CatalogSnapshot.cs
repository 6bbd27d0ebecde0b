namespace Crynux.Bridge.Models;

/// <summary>
/// The Relay's part of the catalog as last read. <see cref="Source"/>: "relay" (fresh), "relay-stale" (the last read failed;
/// these are the models of the last good one), "config" (the Relay has no catalog route, or none was read yet).
/// </summary>
public sealed record CatalogSnapshot(IReadOnlyList<CatalogModel> RelayModels, string Source, DateTimeOffset? ReadAt)
{
    public static readonly CatalogSnapshot Empty = new([], "config", null);
}
