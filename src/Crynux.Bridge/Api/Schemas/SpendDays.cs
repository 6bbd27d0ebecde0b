using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the key lists, key controls and spend totals for /openapi.json; ApiKeyInfo and SpendDay are also what the
// routes write.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record SpendDays(
    [property: JsonPropertyName("key_id"), Description("null: all keys")] string? KeyId,
    [property: JsonPropertyName("days")] IReadOnlyList<SpendDay> Days);
