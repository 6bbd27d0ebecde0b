using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crynux.Bridge.Observability.Health;

/// <summary>
/// The /readyz body operators already parse: status ready|not_ready and, per check, "ok" or why not; "failing" names the
/// checks that failed.
/// </summary>
internal static class ReadinessResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["status"] = report.Status == HealthStatus.Healthy ? "ready" : "not_ready",
        };
        foreach (var (name, entry) in report.Entries)
        {
            body[name] = entry.Status == HealthStatus.Healthy ? "ok" : entry.Description ?? entry.Exception?.Message ?? entry.Status.ToString();
        }
        body["failing"] = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key).ToArray();
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}
