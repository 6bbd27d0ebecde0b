using Crynux.Bridge.Observability;
using Crynux.Bridge.Observability.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crynux.Bridge.Api;

/// <summary>Health (liveness), readiness (database, Relay, Redis) and the Prometheus scrape of the OpenTelemetry metrics.</summary>
public static class OpsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" })).WithTags("Operations").WithSummary("The process is up");
        app.MapGet("/readyz", ReadyAsync).WithTags("Operations").WithSummary("The database, the Relay and Redis (when configured) answer");
        // OpenTelemetry's scrape middleware as the whole pipeline of a minimal endpoint, so /metrics stays in /openapi.json
        // and in the route label of the HTTP counter.
        var scrape = app.CreateApplicationBuilder().UseOpenTelemetryPrometheusScrapingEndpoint(_ => true).Build();
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            await scrape(context);
            return Results.Empty;
        }).WithTags("Operations").WithSummary("Prometheus metrics");
    }

    private static async Task ReadyAsync(HttpContext context, HealthCheckService health)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(ObservabilityServices.ReadyTag), context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        await ReadinessResponse.WriteAsync(context, report);
    }
}
