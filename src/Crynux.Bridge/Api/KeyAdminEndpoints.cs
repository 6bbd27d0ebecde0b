using System.Globalization;
using System.Text.Json.Nodes;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Api;

/// <summary>
/// The operator's view of the keys: the list with usage and spend, and changes to a key's controls, behind the admin token
/// (admin.auth_token); the same list for the bridge's root account by signature (GET /v1/api_keys); spend per day.
/// </summary>
public static class KeyAdminEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxDays = 366;

    private static readonly string[] PatchFields = ["roles", "use_limit", "rate_limit", "expires_at", "spend_limit_cnx", "models"];

    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").WithTags("Admin").AddEndpointFilter(NativeErrors.Filter).AddEndpointFilter(AdminAuth.Filter);
        admin.MapGet("/keys", ListAsync).Produces<Schemas.ApiKeyPageEnvelope>().WithNativeErrors()
            .WithSummary("Every live API key with its controls, usage and spend (?auth=<admin.auth_token>; limit 1-1000, default 100; offset)");
        admin.MapPatch("/keys/{key_id}", PatchAsync).Accepts<Schemas.ApiKeyPatch>("application/json").Produces<Schemas.ApiKeyInfoEnvelope>().WithNativeErrors()
            .WithSummary("Change a key's roles, limits, expiry, spend limit or model allow-list (?auth=<admin.auth_token>)");
        admin.MapGet("/spend/days", DaysAsync).Produces<Schemas.SpendDaysEnvelope>().WithNativeErrors()
            .WithSummary("Tasks, outcomes and CNX spent per UTC day, of all keys or one (key_id); days 1-366, default 30 (?auth=<admin.auth_token>)");
        app.MapGet("/v1/api_keys", SignedListAsync).WithTags("API keys").AddEndpointFilter(NativeErrors.Filter)
            .Produces<Schemas.ApiKeyPageEnvelope>().WithNativeErrors()
            .WithSummary("The key list for the bridge's root account: ?timestamp=&signature= over {\"action\":\"list_api_keys\"} plus limit and offset when given");
    }

    private static async Task<IResult> ListAsync(HttpContext http, KeyUsageStore usage)
    {
        var (limit, offset) = Page(http.Request);
        return await PageAsync(usage, limit, offset, http.RequestAborted);
    }

    private static async Task<IResult> SignedListAsync(HttpContext http, KeyUsageStore usage, ApiKeyRuntime rt)
    {
        var (limit, offset) = Page(http.Request);
        var signed = new JsonObject { ["action"] = "list_api_keys" };
        if (http.Request.Query.ContainsKey("limit"))
        {
            signed["limit"] = limit;
        }
        if (http.Request.Query.ContainsKey("offset"))
        {
            signed["offset"] = offset;
        }
        await rt.Signatures.VerifyAsync(signed, default, http.Request, [rt.Root]);
        return await PageAsync(usage, limit, offset, http.RequestAborted);
    }

    private static async Task<IResult> PageAsync(KeyUsageStore usage, int limit, long offset, CancellationToken ct)
    {
        var (total, keys) = await usage.ListAsync(limit, offset, ct);
        return Results.Json(new Schemas.ApiKeyPageEnvelope("success", new Schemas.ApiKeyPage(total, keys.Select(KeyView.From).ToList())));
    }

    private static async Task<IResult> PatchAsync(HttpContext http, string key_id, ApiKeyStore keys, KeyUsageStore usage, TimeProvider time)
    {
        var id = KeyId(key_id);
        var body = await JsonBody.ReadObjectAsync(http.Request);
        var fields = KeyControlFields.Fields(body, PatchFields);
        var controls = new KeyControls(
            fields.TryGetValue("roles", out var roles) ? KeyControlFields.Roles(roles) : null,
            fields.TryGetValue("use_limit", out var useLimit) ? KeyControlFields.Limit(useLimit, "use_limit") : null,
            fields.TryGetValue("rate_limit", out var rateLimit) ? KeyControlFields.Limit(rateLimit, "rate_limit") : null,
            fields.TryGetValue("expires_at", out var expires) ? KeyControlFields.Expiry(expires, unixSeconds: false) : null,
            fields.TryGetValue("spend_limit_cnx", out var spend) ? new Setting<long?>(SpendLimit.Read(spend, "spend_limit_cnx")) : null,
            fields.TryGetValue("models", out var models) ? new Setting<IReadOnlyList<string>?>(KeyControlFields.Models(models)) : null);
        if (!await keys.SetControlsAsync(id, controls, time.GetUtcNow().ToUnixTimeMilliseconds(), http.RequestAborted))
        {
            throw NoSuchKey();
        }
        var row = await usage.GetAsync(id, http.RequestAborted) ?? throw NoSuchKey();
        return Results.Json(new Schemas.ApiKeyInfoEnvelope("success", KeyView.From(row)));
    }

    private static async Task<IResult> DaysAsync(HttpContext http, KeyUsageStore usage, TimeProvider time)
    {
        var query = http.Request.Query;
        var days = Integer(http.Request, "days", 30, 1, MaxDays);
        long? keyId = query.ContainsKey("key_id") ? KeyId(Single(http.Request, "key_id")) : null;
        var today = SpendLedger.Day(time.GetUtcNow().ToUnixTimeMilliseconds());
        var rows = await usage.DaysAsync(keyId, today - days + 1, http.RequestAborted);
        return Results.Json(new Schemas.SpendDaysEnvelope("success",
            new Schemas.SpendDays(keyId?.ToString(CultureInfo.InvariantCulture), rows.Select(KeyView.From).ToList())));
    }

    private static (int Limit, long Offset) Page(HttpRequest request) =>
        ((int)Integer(request, "limit", DefaultLimit, 1, MaxLimit), Integer(request, "offset", 0, 0, 1L << 40));

    private static long Integer(HttpRequest request, string name, long fallback, long min, long max)
    {
        if (!request.Query.ContainsKey(name))
        {
            return fallback;
        }
        var text = Single(request, name);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ProblemException(Problem.BadRequest(name, $"{name} must be an integer from {min} to {max}"));
    }

    private static string Single(HttpRequest request, string name)
    {
        var values = request.Query[name];
        return values.Count == 1 ? values[0] ?? "" : throw new ProblemException(Problem.BadRequest(name, $"{name} must be given once"));
    }

    /// <summary>A key id is the key's row number; anything else names no key.</summary>
    private static long KeyId(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : throw NoSuchKey();

    private static ProblemException NoSuchKey() => new(Problem.NotFound("key_id", "No API key has this key_id."));
}
