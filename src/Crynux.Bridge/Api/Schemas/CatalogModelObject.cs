using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the model catalog routes for /openapi.json (the other shapes are in this folder).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("A model of the catalog in OpenAI's shape, with the Crynux fields min_vram, node counts, type and alias_of.")]
public sealed record CatalogModelObject(
    [property: JsonPropertyName("id"), Description("Hugging Face id (the Relay's are lower case); pass it as model")] string Id,
    [property: JsonPropertyName("object"), Description("always model")] string ObjectType,
    [property: JsonPropertyName("created"), Description("always 0: the network does not say")] long Created,
    [property: JsonPropertyName("owned_by"), Description("always crynux")] string OwnedBy,
    [property: JsonPropertyName("type"), Description("llm or sd")] string Type,
    [property: JsonPropertyName("min_vram"), Description("GB a node needs; the task's min_vram when the request names none")] long MinVram,
    [property: JsonPropertyName("in_memory_node_count"), Description("joined nodes with the model loaded; null when the Relay did not report it")] int? InMemoryNodeCount,
    [property: JsonPropertyName("on_disk_node_count"), Description("joined nodes with the model on disk; null when the Relay did not report it")] int? OnDiskNodeCount,
    [property: JsonPropertyName("source"), Description("relay, config (models.extra) or alias")] string Source,
    [property: JsonPropertyName("alias_of"), Description("for an image alias: the network model it stands for")] string? AliasOf = null);
