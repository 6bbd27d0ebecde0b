namespace Crynux.Devnet.Relay;

/// <summary>A /v2/loaded-models row.</summary>
internal sealed record LoadedModel(string ModelId, string ModelType, ulong MinVram, int InMemoryNodeCount, int OnDiskNodeCount);
