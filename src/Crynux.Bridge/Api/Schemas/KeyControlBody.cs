using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the key lists, key controls and spend totals for /openapi.json; ApiKeyInfo and SpendDay are also what the
// routes write.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("A signed key control (POST /v1/api_key/{client id or key}/expires_at, /spend_limit, /models), signed by root over {client_id or api_key, <field>} with the field exactly as sent.")]
public sealed record KeyControlBody(
    [property: JsonPropertyName("timestamp"), Description("unix seconds")] long Timestamp,
    [property: JsonPropertyName("signature"), Description("0x + 130 hex digits")] string Signature,
    [property: JsonPropertyName("expires_at"), Description("/expires_at: RFC 3339 or unix seconds; null = never")] object? ExpiresAt = null,
    [property: JsonPropertyName("spend_limit_cnx"), Description("/spend_limit: decimal CNX (string or number); null = no limit")] object? SpendLimitCnx = null,
    [property: JsonPropertyName("models"), Description("/models: base model ids; null = every model")] IReadOnlyList<string>? Models = null);
#pragma warning restore CA1812
