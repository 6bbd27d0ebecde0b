using System.Globalization;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>Creator downloads, the input checkpoint and selected_node (relay-protocol §3.5, §3.6, §3.12).</summary>
internal static class ResultEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RelayCore relay, SignatureGate signatures)
    {
        app.MapGet("/v1/inference_tasks/{task_id_commitment}/results/checkpoint", RelayResponses.Route(ctx => ResultCheckpoint(ctx, relay, signatures)));
        app.MapGet("/v1/inference_tasks/{task_id_commitment}/results/{index}", RelayResponses.Route(ctx => Result(ctx, relay, signatures)));
        app.MapGet("/v1/inference_tasks/{task_id_commitment}/checkpoint", RelayResponses.Route(ctx => InputCheckpoint(ctx, relay, signatures)));
        app.MapGet("/v1/inference_tasks/{task_id_commitment}/selected_node", RelayResponses.Route(ctx => SelectedNode(ctx, relay, signatures)));
    }

    private static IResult Result(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        var index = (string)ctx.Request.RouteValues["index"]!;
        var signer = Verify(ctx, signatures, new JsonObject { ["index"] = index, ["task_id_commitment"] = commitment }, "Timestamp", "Signature");
        var task = relay.ReadTaskFor(commitment, signer, allowSelectedNode: false);
        if (task.Status is not (RelayTaskStatus.EndSuccess or RelayTaskStatus.EndGroupSuccess))
        {
            throw RelayException.Validation("task_id", "Task results not uploaded");
        }
        var (_, files, _, type) = relay.Results(commitment);
        var i = files.Select((_, n) => n).FirstOrDefault(n => n.ToString(CultureInfo.InvariantCulture) == index, -1);
        if (i < 0)
        {
            throw RelayException.Validation("index", "File not found");
        }
        return File(ctx, files[i], index + (type == TaskType.Llm ? ".json" : ".png"));
    }

    private static IResult ResultCheckpoint(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        var signer = Verify(ctx, signatures, new JsonObject { ["task_id_commitment"] = commitment }, "Timestamp", "Signature");
        var task = relay.ReadTaskFor(commitment, signer, allowSelectedNode: false);
        if (task.Status != RelayTaskStatus.EndSuccess)
        {
            throw RelayException.Validation("task_id", "Task checkpoint not uploaded");
        }
        var checkpoint = relay.Results(commitment).Checkpoint ?? throw RelayException.Validation("task_id", "Checkpoint file not found");
        return File(ctx, checkpoint, "checkpoint.zip");
    }

    private static IResult InputCheckpoint(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        var signer = Verify(ctx, signatures, new JsonObject { ["task_id_commitment"] = commitment }, "timestamp", "signature");
        var task = relay.ReadTaskFor(commitment, signer, allowSelectedNode: true);
        if (task.Status == RelayTaskStatus.Queued)
        {
            throw RelayException.Validation("task_id", "Task not ready");
        }
        var checkpoint = relay.InputCheckpoint(commitment) ?? throw RelayException.Validation("task_id", "Checkpoint file not found");
        return File(ctx, checkpoint, "checkpoint.zip");
    }

    private static IResult SelectedNode(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        var signer = Verify(ctx, signatures, new JsonObject { ["task_id_commitment"] = commitment }, "timestamp", "signature");
        var task = relay.ReadTaskFor(commitment, signer, allowSelectedNode: true);
        if (task.SelectedNode.Length == 0 || relay.Node(task.SelectedNode) is not { } node)
        {
            throw RelayException.Validation("task_id_commitment", "Task not started");
        }
        // The Relay's response struct has no json tag on Data, so the payload key is "Data".
        return RelayResponses.Write(200, new JsonObject
        {
            ["message"] = "success",
            ["Data"] = new JsonObject
            {
                ["address"] = node.Address,
                ["status"] = (int)node.Status,
                ["gpu_name"] = node.GpuName,
                ["gpu_vram"] = node.GpuVram,
                ["version"] = node.Version,
                ["network"] = "devnet",
            },
        });
    }

    private static string Verify(HttpContext ctx, SignatureGate signatures, JsonObject signed, string timestampField, string signatureField)
    {
        var fields = RequestFields.FromQuery(ctx.Request);
        var timestamp = fields.Int64("timestamp");
        var signature = fields.Text("signature");
        RequestFields.Require((timestampField, timestamp != 0), (signatureField, signature.Length > 0));
        return signatures.Verify(signed, timestamp, signature);
    }

    private static IResult File(HttpContext ctx, byte[] bytes, string name)
    {
        ctx.Response.Headers["Content-Description"] = "File Transfer";
        ctx.Response.Headers["Content-Transfer-Encoding"] = "binary";
        ctx.Response.Headers.ContentDisposition = "attachment; filename=" + name;
        return Results.File(bytes, "application/octet-stream", enableRangeProcessing: true);
    }
}
