using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;
using Crynux.Crypto;

namespace Crynux.Bridge.Api;

/// <summary>
/// API keys, as the product docs describe them: a client creates (or rotates) its own key by signing with its wallet, or
/// the bridge's root account does it for it; roles and limits are set by root only. A path segment that is not an address
/// (0x…) names a bridge-minted key instead (<see cref="MintedKeyEndpoints"/>).
/// </summary>
public static class ApiKeyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/api_key/{client_id}").WithTags("API keys").AddEndpointFilter(NativeErrors.Filter);
        static RouteHandlerBuilder Signed(RouteHandlerBuilder route) => route.Accepts<Schemas.SignedRequestBody>("application/json").WithNativeErrors();
        Signed(group.MapPost("", CreateAsync)).Produces<Schemas.ApiKeyCreatedEnvelope>()
            .WithSummary("Create or rotate the client's API key (signed by the client or root)");
        Signed(group.MapDelete("", DeleteAsync)).WithSummary("Delete the client's API key (signed by the client or root)");
        Signed(group.MapPost("/role", (HttpContext http, string client_id, ApiKeyRuntime rt) => ChangeRoleAsync(http, client_id, rt, add: true)))
            .WithSummary("Add a role: chat, image or admin (signed by root)");
        Signed(group.MapDelete("/role", (HttpContext http, string client_id, ApiKeyRuntime rt) => ChangeRoleAsync(http, client_id, rt, add: false)))
            .WithSummary("Remove a role (signed by root)");
        Signed(group.MapPost("/use_limit", (HttpContext http, string client_id, ApiKeyRuntime rt) => SetLimitAsync(http, client_id, rt, "use_limit")))
            .WithSummary("Set how many tasks the key may create; 0 means unlimited (signed by root)");
        Signed(group.MapPost("/rate_limit", (HttpContext http, string client_id, ApiKeyRuntime rt) => SetLimitAsync(http, client_id, rt, "rate_limit")))
            .WithSummary("Set the requests per minute the key may make; 0 means unlimited (signed by root)");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string client_id, ApiKeyRuntime rt)
    {
        if (!KeySegment.IsAddressContract(client_id))
        {
            KeySegment.Key(client_id);
            throw new ProblemException(Problem.BadRequest("api_key", "A bridge-minted key is not created here: mint one with POST /v1/api_key."));
        }
        var address = ClientAddress(client_id);
        var body = await BodyOrEmptyAsync(http.Request);
        await rt.Signatures.VerifyAsync(new JsonObject { ["client_id"] = client_id }, body, http.Request, [address, rt.Root]);
        var key = ApiKeys.NewKey();
        var now = rt.Time.GetUtcNow();
        var expires = now.AddDays(rt.Options.ApiKeyLifetimeDays).ToUnixTimeSeconds();
        await rt.Keys.CreateOrRotateAsync(address, ApiKeys.Hash(key), ApiKeys.Preview(key), expires, rt.Options.DefaultUseLimit, rt.Options.DefaultRateLimit,
            now.ToUnixTimeMilliseconds(), http.RequestAborted);
        return Results.Json(new { message = "success", data = new { api_key = key, expires_at = expires } });
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string client_id, ApiKeyRuntime rt)
    {
        if (!KeySegment.IsAddressContract(client_id))
        {
            return await MintedKeyEndpoints.DeleteAsync(http, client_id, rt);
        }
        var address = ClientAddress(client_id);
        var body = await BodyOrEmptyAsync(http.Request);
        await rt.Signatures.VerifyAsync(new JsonObject { ["client_id"] = client_id }, body, http.Request, [address, rt.Root]);
        if (!await rt.Keys.DeleteAsync(address, rt.Time.GetUtcNow().ToUnixTimeMilliseconds(), http.RequestAborted))
        {
            throw new ProblemException(Problem.NotFound("client_id", "This client has no API key."));
        }
        return Results.Json(new { message = "success" });
    }

    private static async Task<IResult> ChangeRoleAsync(HttpContext http, string client_id, ApiKeyRuntime rt, bool add)
    {
        if (!KeySegment.IsAddressContract(client_id))
        {
            return await MintedKeyEndpoints.ChangeRoleAsync(http, client_id, rt, add);
        }
        var address = ClientAddress(client_id);
        var body = await JsonBody.ReadObjectAsync(http.Request);
        var role = JsonBody.OptionalString(body, "role") ?? throw new ProblemException(Problem.BadRequest("role", "role is required"));
        if (!Roles.All.Contains(role))
        {
            throw new ProblemException(Problem.BadRequest("role", $"role must be one of {string.Join(", ", Roles.All)}"));
        }
        await rt.Signatures.VerifyAsync(new JsonObject { ["client_id"] = client_id, ["role"] = role }, body, http.Request, [rt.Root]);
        var key = await ExistingAsync(rt, address, http);
        var roles = key.RoleList.Where(r => r != role).ToList();
        if (add)
        {
            roles.Add(role);
        }
        await rt.Keys.SetRolesAsync(key.Id, string.Join(',', roles), rt.Time.GetUtcNow().ToUnixTimeMilliseconds(), http.RequestAborted);
        return await DescribeAsync(rt, address, http);
    }

    private static async Task<IResult> SetLimitAsync(HttpContext http, string client_id, ApiKeyRuntime rt, string field)
    {
        if (!KeySegment.IsAddressContract(client_id))
        {
            return await MintedKeyEndpoints.SetLimitAsync(http, client_id, rt, field);
        }
        var address = ClientAddress(client_id);
        var body = await JsonBody.ReadObjectAsync(http.Request);
        var value = JsonBody.OptionalInteger(body, field, 0, 1L << 50) ?? throw new ProblemException(Problem.BadRequest(field, $"{field} is required"));
        await rt.Signatures.VerifyAsync(new JsonObject { ["client_id"] = client_id, [field] = value }, body, http.Request, [rt.Root]);
        await ExistingAsync(rt, address, http);
        var now = rt.Time.GetUtcNow().ToUnixTimeMilliseconds();
        _ = field == "use_limit"
            ? await rt.Keys.SetUseLimitAsync(address, value, now, http.RequestAborted)
            : await rt.Keys.SetRateLimitAsync(address, value, now, http.RequestAborted);
        return await DescribeAsync(rt, address, http);
    }

    private static async Task<ApiKeyRow> ExistingAsync(ApiKeyRuntime rt, string address, HttpContext http)
    {
        var key = await rt.Keys.FindByClientAsync(address, http.RequestAborted);
        return key is { DeletedAt: null } ? key : throw new ProblemException(Problem.NotFound("client_id", "This client has no API key; create one first."));
    }

    private static async Task<IResult> DescribeAsync(ApiKeyRuntime rt, string address, HttpContext http)
    {
        var key = (await rt.Keys.FindByClientAsync(address, http.RequestAborted))!;
        return Results.Json(new
        {
            message = "success",
            data = new { client_id = key.ClientId, roles = key.RoleList, use_limit = key.UseLimit, used_count = key.UsedCount, rate_limit = key.RateLimit, expires_at = key.ExpiresAt },
        });
    }

    /// <summary>The client id is an address; it is stored checksummed, whatever case the path used.</summary>
    internal static string ClientAddress(string clientId) =>
        EthAddress.IsValid(clientId) || (clientId.Length == 42 && clientId.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && EthAddress.IsValid(clientId.ToLowerInvariant()))
            ? EthAddress.ToChecksum(clientId)
            : throw new ProblemException(Problem.BadRequest("client_id", "client_id must be an Ethereum address (0x followed by 40 hex digits)"));

    private static async Task<JsonElement> BodyOrEmptyAsync(HttpRequest request) =>
        request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding"))
            ? default
            : await JsonBody.ReadObjectAsync(request);
}
