using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the key lists, key controls and spend totals for /openapi.json; ApiKeyInfo and SpendDay are also what the
// routes write.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record ApiKeyPage(
    [property: JsonPropertyName("total"), Description("live keys in all")] long Total,
    [property: JsonPropertyName("keys"), Description("in key_id order, from offset")] IReadOnlyList<ApiKeyInfo> Keys);
