using System.Text.Json.Serialization;

// Shapes of today's raw-task contract for /openapi.json (not used to bind requests).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record OpenRouterModelList(
    [property: JsonPropertyName("data")] OpenRouterModel[] Data);
