using System.Text.Json.Nodes;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Api;

/// <summary>
/// Key controls signed by the bridge's root account, shaped like the limit routes: POST /v1/api_key/{client id or key}/
/// expires_at, /spend_limit and /models, with the value in the body and the signature over {client_id or api_key, field}.
/// An expired key can be given a new expiry (that is what the route is for); a deleted one cannot.
/// </summary>
public static class KeyControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/api_key/{client_id}").WithTags("API keys").AddEndpointFilter(NativeErrors.Filter);
        static RouteHandlerBuilder Signed(RouteHandlerBuilder route) => route.Accepts<Schemas.KeyControlBody>("application/json").WithNativeErrors();
        Signed(group.MapPost("/expires_at", (HttpContext http, string client_id, ApiKeyRuntime rt) => SetAsync(http, client_id, rt, "expires_at")))
            .WithSummary("Set when the key expires: RFC 3339 or unix seconds, null for never (signed by root)");
        Signed(group.MapPost("/spend_limit", (HttpContext http, string client_id, ApiKeyRuntime rt) => SetAsync(http, client_id, rt, "spend_limit_cnx")))
            .WithSummary("Set the CNX the key's tasks may spend, null for no limit (signed by root)");
        Signed(group.MapPost("/models", (HttpContext http, string client_id, ApiKeyRuntime rt) => SetAsync(http, client_id, rt, "models")))
            .WithSummary("Set the base models the key may use, null for every model (signed by root)");
    }

    private static async Task<IResult> SetAsync(HttpContext http, string segment, ApiKeyRuntime rt, string field)
    {
        var byAddress = KeySegment.IsAddressContract(segment);
        var name = byAddress ? "client_id" : "api_key";
        var target = byAddress ? ApiKeyEndpoints.ClientAddress(segment) : KeySegment.Key(segment);
        var body = await JsonBody.ReadObjectAsync(http.Request);
        if (!body.TryGetProperty(field, out var value))
        {
            throw new ProblemException(Problem.BadRequest(field, $"{field} is required ({Hint(field)})"));
        }
        var controls = field switch
        {
            "expires_at" => new KeyControls(ExpiresAt: KeyControlFields.Expiry(value, unixSeconds: true)),
            "spend_limit_cnx" => new KeyControls(SpendLimitGwei: new Setting<long?>(SpendLimit.Read(value, field))),
            _ => new KeyControls(Models: new Setting<IReadOnlyList<string>?>(KeyControlFields.Models(value))),
        };
        // The value is signed as sent (a number stays a number), so that what the signer saw is what is checked.
        await rt.Signatures.VerifyAsync(new JsonObject { [name] = segment, [field] = JsonNode.Parse(value.GetRawText()) }, body, http.Request, [rt.Root]);
        var key = byAddress
            ? await rt.Keys.FindByClientAsync(target, http.RequestAborted) is { DeletedAt: null } found ? found
                : throw new ProblemException(Problem.NotFound("client_id", "This client has no API key; create one first."))
            : await rt.Keys.FindByHashAsync(ApiKeys.Hash(target), http.RequestAborted) ?? throw new ProblemException(Problem.BadRequest("api_key", "invalid API key"));
        await rt.Keys.SetControlsAsync(key.Id, controls, rt.Time.GetUtcNow().ToUnixTimeMilliseconds(), http.RequestAborted);
        var row = (await rt.Keys.FindByIdAsync(key.Id, http.RequestAborted))!;
        return Results.Json(new
        {
            message = "success",
            data = new
            {
                client_id = row.ClientId,
                roles = row.RoleList,
                use_limit = row.UseLimit,
                used_count = row.UsedCount,
                rate_limit = row.RateLimit,
                expires_at = row.ExpiresAt,
                spend_limit_cnx = row.SpendLimitGwei is { } limit ? SpendLimit.Cnx(limit) : null,
                models = row.ModelList,
            },
        });
    }

    private static string Hint(string field) => field switch
    {
        "expires_at" => "RFC 3339 or unix seconds; null for never",
        "spend_limit_cnx" => "decimal CNX; null for no limit",
        _ => "an array of model ids; null for every model",
    };
}
