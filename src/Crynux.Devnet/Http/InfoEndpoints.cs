using System.Globalization;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>Time, stats, network numbers, v2 balance and the event stream (docs/protocol.md §1.1, §3.8–§3.10, §8).</summary>
internal static class InfoEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RelayCore relay, SignatureGate signatures)
    {
        app.MapGet("/v1/now", () => RelayResponses.Success(new JsonObject { ["now"] = relay.Time.GetUtcNow().ToUnixTimeSeconds() }));
        app.MapGet("/v1/stats/queue/count", () => RelayResponses.Success(relay.QueuedCount()));
        app.MapGet("/v1/network/nodes/number", () =>
        {
            var (all, busy, active) = relay.NodeNumbers();
            return RelayResponses.Success(new JsonObject { ["all_nodes"] = all, ["busy_nodes"] = busy, ["active_nodes"] = active });
        });
        app.MapGet("/v2/relay_account/{address}/balance", RelayResponses.Route(ctx => Balance(ctx, relay, signatures)));
        app.MapGet("/v1/events/current_id", (HttpContext ctx) =>
        {
            var q = ctx.Request.Query;
            return RelayResponses.Success(relay.CurrentEventId(q["event_type"], q["node_address"], q["task_id_commitment"]));
        });
        app.MapGet("/v1/events", RelayResponses.Route(ctx => Events(ctx, relay)));
    }

    private static IResult Balance(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var address = (string)ctx.Request.RouteValues["address"]!;
        var query = ctx.Request.Query;
        string? signer = null;
        if (long.TryParse(query["timestamp"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var timestamp))
        {
            signer = signatures.VerifyV2(new JsonObject { ["address"] = address }, timestamp, query["signature"].ToString());
        }
        if (signer is null)
        {
            return RelayResponses.Write(401, new JsonObject { ["message"] = "Valid JWT or signature required" });
        }
        if (signer != address)
        {
            throw RelayException.Validation("address", "Address mismatch");
        }
        return RelayResponses.Success(relay.Balance(address).ToString(CultureInfo.InvariantCulture));
    }

    private static IResult Events(HttpContext ctx, RelayCore relay)
    {
        var fields = RequestFields.FromQuery(ctx.Request);
        var start = fields.Int64("start");
        var limit = fields.Has("limit") ? (int)Math.Clamp(fields.Int64("limit"), int.MinValue, int.MaxValue) : 50;
        var q = ctx.Request.Query;
        var rows = relay.Events(start, q["event_type"], q["node_address"], q["task_id_commitment"], limit);
        return RelayResponses.Success(new JsonArray([.. rows.Select(e => (JsonNode)new JsonObject
        {
            ["id"] = e.Id,
            ["type"] = e.Type,
            ["node_address"] = e.NodeAddress,
            ["task_id_commitment"] = e.TaskIdCommitment,
            ["args"] = e.Args,
        })]));
    }
}
