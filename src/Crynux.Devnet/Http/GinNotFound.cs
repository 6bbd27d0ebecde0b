namespace Crynux.Devnet.Http;

/// <summary>
/// gin's answer to a route it does not have (any method; gin does not answer 405): 404, text/plain,
/// "404 page not found". Clients tell Relay generations apart by it.
/// </summary>
internal static class GinNotFound
{
    /// <summary>The fallback's route pattern (counted as "(unmatched)" in the request stats).</summary>
    public const string Pattern = "{*path}";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapFallback(Pattern, () => Results.Text("404 page not found", "text/plain", System.Text.Encoding.UTF8, 404));
}
