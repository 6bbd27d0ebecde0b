using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Relay;
using Dapper;

namespace Crynux.Bridge.Api;

/// <summary>Health, readiness and Prometheus metrics for operators.</summary>
public static class OpsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" })).WithTags("Operations").WithSummary("The process is up");
        app.MapGet("/readyz", ReadyAsync).WithTags("Operations").WithSummary("The database and the Relay answer");
        app.MapGet("/metrics", (BridgeMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Operations").WithSummary("Prometheus metrics");
    }

    private static async Task<IResult> ReadyAsync(Database db, RelayClient relay, CancellationToken ct)
    {
        string? database = null;
        string? relayError = null;
        try
        {
            await using var connection = await db.OpenAsync(ct);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: ct));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            database = e.Message;
        }
        try
        {
            await relay.SyncClockAsync(ct);
        }
        catch (RelayException e)
        {
            relayError = e.Message;
        }
        var ready = database is null && relayError is null;
        return Results.Json(new { status = ready ? "ready" : "not_ready", database = database ?? "ok", relay = relayError ?? "ok" },
            statusCode: ready ? 200 : 503);
    }
}
