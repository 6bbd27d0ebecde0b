using Crynux.Bridge.Configuration;
using Microsoft.Extensions.FileProviders;

namespace Crynux.Bridge.Api;

/// <summary>
/// The web pages under wwwroot, served at /static (and / goes to the access-token page). The access-token page is where
/// the root private key is typed, so every page is sent with a strict Content-Security-Policy: scripts only from this
/// origin (no inline script), requests only to this origin and the configured public bridge URL, never framed.
/// </summary>
public static class StaticPages
{
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            return;
        }
        var policy = ContentSecurityPolicy(app.Services.GetRequiredService<BridgeOptions>().Api.PublicBaseUrl);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(root),
            RequestPath = "/static",
            OnPrepareResponse = context => AddSecurityHeaders(context.Context.Response.Headers, policy),
        });
        app.MapGet("/", () => Results.Redirect("/static/access-token.html")).ExcludeFromDescription();
    }

    /// <summary>connect-src names the public bridge URL's origin as well when one is configured (pages may be opened there).</summary>
    public static string ContentSecurityPolicy(string publicBaseUrl)
    {
        var connect = "'self'";
        if (Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var bridge) && bridge.Scheme is "http" or "https")
        {
            connect += " " + bridge.GetLeftPart(UriPartial.Authority);
        }
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
               $"connect-src {connect}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private static void AddSecurityHeaders(IHeaderDictionary headers, string policy)
    {
        headers.ContentSecurityPolicy = policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
    }
}
