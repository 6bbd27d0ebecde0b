using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the key lists, key controls and spend totals for /openapi.json; ApiKeyInfo and SpendDay are also what the
// routes write.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("An API key as the operator sees it: controls, usage and spend. The key itself is never shown.")]
public sealed record ApiKeyInfo(
    [property: JsonPropertyName("key_id"), Description("stable id of the key (the path of PATCH /v1/admin/keys/{key_id}; the key_id label of the per-key metrics)")] string KeyId,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("key_preview"), Description("first 4 and last 4 characters (keys made before this field: the first 4 only)")] string KeyPreview,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles,
    [property: JsonPropertyName("use_limit"), Description("tasks the key may create; null = unlimited")] long? UseLimit,
    [property: JsonPropertyName("used"), Description("tasks counted against use_limit (a failed task gives its use back)")] long Used,
    [property: JsonPropertyName("rate_limit"), Description("requests per minute; null = unlimited")] long? RateLimit,
    [property: JsonPropertyName("expires_at"), Description("RFC 3339, UTC; null = never")] string? ExpiresAt,
    [property: JsonPropertyName("spend_limit_cnx"), Description("decimal CNX; null = no limit")] string? SpendLimitCnx,
    [property: JsonPropertyName("spent_wei"), Description("fees the Relay charged for the key's tasks minus its refunds, in wei (decimal string)")] string SpentWei,
    [property: JsonPropertyName("models"), Description("base models the key may use; null = every model")] IReadOnlyList<string>? Models,
    [property: JsonPropertyName("created_at"), Description("RFC 3339, UTC")] string CreatedAt,
    [property: JsonPropertyName("tasks"), Description("client tasks admitted")] long Tasks,
    [property: JsonPropertyName("successes")] long Successes,
    [property: JsonPropertyName("failures")] long Failures);
