using System.Text.Json.Serialization;

// Shapes of the admin task traces and the console API for /openapi.json (the routes write JSON nodes; these document them).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record TraceMissing(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("reason")] string Reason);
