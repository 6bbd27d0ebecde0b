using System.Text.Json.Serialization;

namespace Crynux.Bridge.Relay;

/// <summary>A row of a 2026 Relay's GET /v2/loaded-models: a base model that ran on the network (docs/protocol.md §12).</summary>
public sealed class RelayLoadedModel
{
    /// <summary>Hugging Face id, lower case, without "base:" or a variant.</summary>
    [JsonPropertyName("model_id")] public string ModelId { get; set; } = "";

    /// <summary>llm or sd.</summary>
    [JsonPropertyName("model_type")] public string ModelType { get; set; } = "";

    /// <summary>The smallest VRAM (GB, summed over a multi-GPU node's cards) of a node that completed a task with it.</summary>
    [JsonPropertyName("min_vram")] public long MinVram { get; set; }

    [JsonPropertyName("in_memory_node_count")] public int InMemoryNodeCount { get; set; }

    [JsonPropertyName("on_disk_node_count")] public int OnDiskNodeCount { get; set; }

    /// <summary>Only from newer Relays; empty otherwise.</summary>
    [JsonPropertyName("variant")] public string? Variant { get; set; }
}
