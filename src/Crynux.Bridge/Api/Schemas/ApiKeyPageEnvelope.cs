using System.Text.Json.Serialization;

// Shapes of the key lists, key controls and spend totals for /openapi.json; ApiKeyInfo and SpendDay are also what the
// routes write.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record ApiKeyPageEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] ApiKeyPage Data);
