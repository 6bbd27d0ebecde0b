using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the key lists, key controls and spend totals for /openapi.json; ApiKeyInfo and SpendDay are also what the
// routes write.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("The controls to change; a field left out stays as it is. Any bad field: 400 and nothing changes.")]
public sealed record ApiKeyPatch(
    [property: JsonPropertyName("roles"), Description("the whole set: chat, image, admin")] IReadOnlyList<string>? Roles = null,
    [property: JsonPropertyName("use_limit"), Description("0 to 2^50; 0 or null = unlimited")] long? UseLimit = null,
    [property: JsonPropertyName("rate_limit"), Description("requests per minute, 0 to 2^50; 0 or null = unlimited")] long? RateLimit = null,
    [property: JsonPropertyName("expires_at"), Description("RFC 3339 (e.g. 2027-01-01T00:00:00Z); null = never")] string? ExpiresAt = null,
    [property: JsonPropertyName("spend_limit_cnx"), Description("decimal CNX as a string or number, at most 9 decimals, below 10^9; null = no limit")] string? SpendLimitCnx = null,
    [property: JsonPropertyName("models"), Description("1 to 100 base model ids; null = every model")] IReadOnlyList<string>? Models = null);
