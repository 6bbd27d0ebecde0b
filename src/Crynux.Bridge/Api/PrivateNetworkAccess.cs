namespace Crynux.Bridge.Api;

/// <summary>
/// Chromium asks before a public web page (e.g. the Crynux docs' hosted access-key page) calls a private or loopback
/// address: the CORS preflight carries Access-Control-Request-Private-Network. The bridge's API already allows any
/// origin, so it allows this too.
/// </summary>
public static class PrivateNetworkAccess
{
    public static void Use(IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (HttpMethods.IsOptions(http.Request.Method)
            && string.Equals(http.Request.Headers["Access-Control-Request-Private-Network"], "true", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers["Access-Control-Allow-Private-Network"] = "true";
        }
        await next(http);
    });
}
