using System.Security.Cryptography;
using System.Text;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Api.Admin;

/// <summary>
/// The trace routes' check, as upstream has it: query <c>auth</c> must equal <c>admin.auth_token</c> (no header form);
/// an empty configured token denies every call. A failure is 401 <c>{"message":"unauthorized"}</c>, whatever else is
/// wrong with the request.
/// </summary>
public static class TraceAuth
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

    public static async ValueTask<object?> QueryTokenFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<BridgeOptions>();
        return IsAdminToken(options, http.Request.Query["auth"].ToString()) ? await next(context) : AdminAuth.Unauthorized();
    }
}
