using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Api;

/// <summary>
/// Bridge-minted API keys (today's Crynux docs and their hosted key page): the bridge's own account mints a key for a new
/// client and manages it by the key itself. Signatures are checked as on the address-keyed routes, but root is the only
/// allowed signer, and the signed objects name the key ("api_key") instead of a client id.
/// </summary>
public static class MintedKeyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/api_key", MintAsync).WithTags("API keys").AddEndpointFilter(NativeErrors.Filter)
            .Accepts<Schemas.SignedRequestBody>("application/json").Produces<Schemas.ApiKeyCreatedEnvelope>().WithNativeErrors()
            .WithSummary("Mint a new client and its API key (signed by root over {}); the key has no role until one is added");
    }

    private static async Task<IResult> MintAsync(HttpContext http, ApiKeyRuntime rt)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request);
        await rt.Signatures.VerifyAsync([], body, http.Request, [rt.Root]);
        var key = ApiKeys.NewKey();
        var clientId = Guid.NewGuid().ToString();
        var now = rt.Time.GetUtcNow();
        var expires = now.AddDays(rt.Options.ApiKeyLifetimeDays).ToUnixTimeSeconds();
        await rt.Keys.CreateOrRotateAsync(clientId, ApiKeys.Hash(key), ApiKeys.Preview(key), expires, rt.Options.DefaultUseLimit, rt.Options.DefaultRateLimit,
            now.ToUnixTimeMilliseconds(), http.RequestAborted);
        return Results.Json(new { message = "success", data = new { api_key = key, expires_at = expires, client_id = clientId } });
    }

    public static async Task<IResult> DeleteAsync(HttpContext http, string segment, ApiKeyRuntime rt)
    {
        var apiKey = KeySegment.Key(segment);
        var body = await BodyOrEmptyAsync(http.Request);
        await rt.Signatures.VerifyAsync(new JsonObject { ["api_key"] = apiKey }, body, http.Request, [rt.Root]);
        var key = await LiveAsync(rt, apiKey, http);
        await rt.Keys.DeleteAsync(key.ClientId, rt.Time.GetUtcNow().ToUnixTimeMilliseconds(), http.RequestAborted);
        return Results.Json(new { message = "success" });
    }

    public static async Task<IResult> ChangeRoleAsync(HttpContext http, string segment, ApiKeyRuntime rt, bool add)
    {
        var apiKey = KeySegment.Key(segment);
        var body = await JsonBody.ReadObjectAsync(http.Request);
        var role = JsonBody.OptionalString(body, "role") ?? throw new ProblemException(Problem.BadRequest("role", "role is required"));
        if (!Roles.All.Contains(role))
        {
            throw new ProblemException(Problem.BadRequest("role", $"role must be one of {string.Join(", ", Roles.All)}"));
        }
        await rt.Signatures.VerifyAsync(new JsonObject { ["api_key"] = apiKey, ["role"] = role }, body, http.Request, [rt.Root]);
        var key = await LiveAsync(rt, apiKey, http);
        var roles = key.RoleList.Where(r => r != role).ToList();
        if (add)
        {
            roles.Add(role);
        }
        await rt.Keys.SetRolesAsync(key.Id, string.Join(',', roles), rt.Time.GetUtcNow().ToUnixTimeMilliseconds(), http.RequestAborted);
        return await DescribeAsync(rt, apiKey, http);
    }

    public static async Task<IResult> SetLimitAsync(HttpContext http, string segment, ApiKeyRuntime rt, string field)
    {
        var apiKey = KeySegment.Key(segment);
        var body = await JsonBody.ReadObjectAsync(http.Request);
        var value = JsonBody.OptionalInteger(body, field, 0, 1L << 50) ?? throw new ProblemException(Problem.BadRequest(field, $"{field} is required"));
        await rt.Signatures.VerifyAsync(new JsonObject { ["api_key"] = apiKey, [field] = value }, body, http.Request, [rt.Root]);
        var key = await LiveAsync(rt, apiKey, http);
        var now = rt.Time.GetUtcNow().ToUnixTimeMilliseconds();
        _ = field == "use_limit"
            ? await rt.Keys.SetUseLimitAsync(key.ClientId, value, now, http.RequestAborted)
            : await rt.Keys.SetRateLimitAsync(key.ClientId, value, now, http.RequestAborted);
        return await DescribeAsync(rt, apiKey, http);
    }

    /// <summary>The live, unexpired key, or a 400 on api_key (as the upstream key check answers).</summary>
    private static async Task<ApiKeyRow> LiveAsync(ApiKeyRuntime rt, string apiKey, HttpContext http)
    {
        var key = await rt.Keys.FindByHashAsync(ApiKeys.Hash(apiKey), http.RequestAborted)
            ?? throw new ProblemException(Problem.BadRequest("api_key", "invalid API key"));
        return key.ExpiresAt > rt.Time.GetUtcNow().ToUnixTimeSeconds() ? key : throw new ProblemException(Problem.BadRequest("api_key", "API key has expired"));
    }

    private static async Task<IResult> DescribeAsync(ApiKeyRuntime rt, string apiKey, HttpContext http)
    {
        var key = (await rt.Keys.FindByHashAsync(ApiKeys.Hash(apiKey), http.RequestAborted))!;
        return Results.Json(new
        {
            message = "success",
            data = new { client_id = key.ClientId, roles = key.RoleList, use_limit = key.UseLimit, used_count = key.UsedCount, rate_limit = key.RateLimit, expires_at = key.ExpiresAt },
        });
    }

    /// <summary>DELETE is signed in the query (the hosted page's form) or in a JSON body.</summary>
    private static async Task<JsonElement> BodyOrEmptyAsync(HttpRequest request) =>
        request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding"))
            ? default
            : await JsonBody.ReadObjectAsync(request);
}
