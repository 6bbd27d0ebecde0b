using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Api.Admin;

/// <summary>
/// The console API's check: <c>Authorization: Bearer</c> with the admin token or a console session (root signature),
/// or the admin token in <c>?auth=</c> as on the trace routes. Failure: 401 <c>{"message":"unauthorized"}</c>.
/// </summary>
public static class ConsoleAuth
{
    public static bool IsAuthorized(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var options = http.RequestServices.GetRequiredService<BridgeOptions>();
        var header = http.Request.Headers.Authorization.ToString();
        var bearer = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        return AdminAuth.IsAdminToken(options, bearer) || AdminAuth.IsAdminToken(options, http.Request.Query["auth"].ToString())
            || http.RequestServices.GetRequiredService<ConsoleSessions>().IsValid(bearer);
    }

    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return IsAuthorized(context.HttpContext) ? await next(context) : AdminAuth.Unauthorized();
    }
}
