using System.Security.Cryptography;
using System.Text;
using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Auth;

/// <summary>
/// The admin routes' token (admin.auth_token), sent as ?auth= (upstream's form) or as Authorization: Bearer. An empty
/// configured token denies every call; a failure is 401 {"message":"unauthorized"}, as upstream answers.
/// </summary>
public static class AdminAuth
{
    public static bool IsAuthorized(HttpRequest request, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (options.AuthToken.Length == 0)
        {
            return false;
        }
        var header = request.Headers.Authorization.ToString();
        var given = request.Query.TryGetValue("auth", out var auth) ? auth.ToString()
            : header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        // Compared as hashes in constant time: neither the token's length nor its content leaks through timing.
        return given.Length > 0 && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(options.AuthToken)));
    }

    public static IResult Unauthorized() => Results.Json(new { message = "unauthorized" }, statusCode: StatusCodes.Status401Unauthorized);

    /// <summary>An endpoint filter answering 401 before the handler runs (and before its body is read).</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var options = context.HttpContext.RequestServices.GetRequiredService<BridgeOptions>().Admin;
        return IsAuthorized(context.HttpContext.Request, options) ? await next(context) : Unauthorized();
    }
}
