using Microsoft.Extensions.FileProviders;

namespace Crynux.Bridge.Api;

/// <summary>The web pages under wwwroot, served at /static (and / goes to the access-token page).</summary>
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
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(root), RequestPath = "/static" });
        app.MapGet("/", () => Results.Redirect("/static/access-token.html")).ExcludeFromDescription();
    }
}
