using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of today's raw-task contract for /openapi.json (not used to bind requests).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("A model of openrouter.models_file. Pricing is sent twice: as \"Pricing\" (the upstream bridge's spelling) and \"pricing\".")]
public sealed record OpenRouterModel(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("context_length")] long ContextLength,
    [property: JsonPropertyName("max_completion_tokens")] long MaxCompletionTokens,
    [property: JsonPropertyName("quantization")] string Quantization,
    [property: JsonPropertyName("pricing")] OpenRouterPricing Pricing,
    [property: JsonPropertyName("description")] string? Description = null);
