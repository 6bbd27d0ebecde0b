using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Api.Admin;

/// <summary>
/// The console API's check: the admin token as on the other admin routes (<c>?auth=</c> or <c>Authorization: Bearer</c>),
/// or a console session (root signature) as the bearer. Failure: 401 <c>{"message":"unauthorized"}</c>.
/// </summary>
public static class ConsoleAuth
{
    public static bool IsAuthorized(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var options = http.RequestServices.GetRequiredService<BridgeOptions>();
        var header = http.Request.Headers.Authorization.ToString();
        var bearer = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        return AdminAuth.IsAuthorized(http.Request, options.Admin) || http.RequestServices.GetRequiredService<ConsoleSessions>().IsValid(bearer);
    }

    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return IsAuthorized(context.HttpContext) ? await next(context) : AdminAuth.Unauthorized();
    }
}
