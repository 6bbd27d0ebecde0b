using Crynux.Bridge.Observability;

namespace Crynux.Bridge.Api;

/// <summary>Counts requests by route template and status code (templates, not raw paths, so the label set stays small).</summary>
public static class HttpMetricsMiddleware
{
    public static void Use(WebApplication app, BridgeMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                metrics.Count("crynux_bridge_http_requests_total", $"route=\"{route}\",status=\"{context.Response.StatusCode}\"");
            }
        });
    }
}
