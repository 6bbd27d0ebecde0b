using System.Security.Cryptography;
using System.Text;
using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Api.Admin;

/// <summary>
/// The admin token check of the trace routes: query <c>auth</c> must equal <c>admin.auth_token</c>; an empty configured
/// token denies every call. A failure is 401 <c>{"message":"unauthorized"}</c>, whatever else is wrong with the request.
/// </summary>
public static class AdminAuth
{
    public static bool IsAdminToken(BridgeOptions options, string? token)
    {
        ArgumentNullException.ThrowIfNull(options);
        var expected = options.Admin.AuthToken;
        if (expected.Length == 0 || string.IsNullOrEmpty(token))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    public static IResult Unauthorized() => Results.Json(new { message = "unauthorized" }, statusCode: StatusCodes.Status401Unauthorized);

    /// <summary>The trace routes' filter: <c>?auth=</c> only.</summary>
    public static async ValueTask<object?> QueryTokenFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<BridgeOptions>();
        return IsAdminToken(options, http.Request.Query["auth"].ToString()) ? await next(context) : Unauthorized();
    }
}
