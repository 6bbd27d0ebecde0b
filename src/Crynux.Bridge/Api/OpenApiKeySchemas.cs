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

public sealed record ApiKeyPage(
    [property: JsonPropertyName("total"), Description("live keys in all")] long Total,
    [property: JsonPropertyName("keys"), Description("in key_id order, from offset")] IReadOnlyList<ApiKeyInfo> Keys);

public sealed record ApiKeyPageEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] ApiKeyPage Data);

public sealed record ApiKeyInfoEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] ApiKeyInfo Data);

[Description("The controls to change; a field left out stays as it is. Any bad field: 400 and nothing changes.")]
public sealed record ApiKeyPatch(
    [property: JsonPropertyName("roles"), Description("the whole set: chat, image, admin")] IReadOnlyList<string>? Roles = null,
    [property: JsonPropertyName("use_limit"), Description("0 to 2^50; 0 or null = unlimited")] long? UseLimit = null,
    [property: JsonPropertyName("rate_limit"), Description("requests per minute, 0 to 2^50; 0 or null = unlimited")] long? RateLimit = null,
    [property: JsonPropertyName("expires_at"), Description("RFC 3339 (e.g. 2027-01-01T00:00:00Z); null = never")] string? ExpiresAt = null,
    [property: JsonPropertyName("spend_limit_cnx"), Description("decimal CNX as a string or number, at most 9 decimals, below 10^9; null = no limit")] string? SpendLimitCnx = null,
    [property: JsonPropertyName("models"), Description("1 to 100 base model ids; null = every model")] IReadOnlyList<string>? Models = null);

[Description("One UTC day's totals of client tasks admitted that day.")]
public sealed record SpendDay(
    [property: JsonPropertyName("day"), Description("yyyy-MM-dd, UTC")] string Day,
    [property: JsonPropertyName("tasks")] long Tasks,
    [property: JsonPropertyName("successes")] long Successes,
    [property: JsonPropertyName("failures")] long Failures,
    [property: JsonPropertyName("spent_wei"), Description("fees charged minus refunds, wei")] string SpentWei);

public sealed record SpendDays(
    [property: JsonPropertyName("key_id"), Description("null: all keys")] string? KeyId,
    [property: JsonPropertyName("days")] IReadOnlyList<SpendDay> Days);

public sealed record SpendDaysEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] SpendDays Data);

[Description("A signed key control (POST /v1/api_key/{client id or key}/expires_at, /spend_limit, /models), signed by root over {client_id or api_key, <field>} with the field exactly as sent.")]
public sealed record KeyControlBody(
    [property: JsonPropertyName("timestamp"), Description("unix seconds")] long Timestamp,
    [property: JsonPropertyName("signature"), Description("0x + 130 hex digits")] string Signature,
    [property: JsonPropertyName("expires_at"), Description("/expires_at: RFC 3339 or unix seconds; null = never")] object? ExpiresAt = null,
    [property: JsonPropertyName("spend_limit_cnx"), Description("/spend_limit: decimal CNX (string or number); null = no limit")] object? SpendLimitCnx = null,
    [property: JsonPropertyName("models"), Description("/models: base model ids; null = every model")] IReadOnlyList<string>? Models = null);
#pragma warning restore CA1812
