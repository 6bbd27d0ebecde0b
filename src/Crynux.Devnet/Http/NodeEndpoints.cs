using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>Node-side endpoints and node info (docs/protocol.md §3.7, §3.12).</summary>
internal static class NodeEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RelayCore relay, SignatureGate signatures)
    {
        app.MapPost("/v1/inference_tasks/{task_id_commitment}/score", RelayResponses.Route(ctx => ScoreAsync(ctx, relay, signatures)));
        app.MapPost("/v1/inference_tasks/{task_id_commitment}/task_error", RelayResponses.Route(ctx => TaskErrorAsync(ctx, relay, signatures)));
        app.MapPost("/v1/inference_tasks/{task_id_commitment}/results", RelayResponses.Route(ctx => UploadAsync(ctx, relay, signatures)));
        app.MapGet("/v1/node/{address}", (HttpContext ctx) => NodeInfo(ctx, relay));
        app.MapGet("/v1/node/{address}/task", (HttpContext ctx) =>
            RelayResponses.Success(relay.CurrentTaskOf((string)ctx.Request.RouteValues["address"]!)));
    }

    private static async Task<IResult> ScoreAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        var fields = await RequestFields.FromJsonAsync(ctx.Request, "inference_tasks.SubmitScoreInputWithSignature");
        var score = fields.Text("score");
        var dtype = fields.Text("execution_dtype");
        var timestamp = fields.Int64("timestamp");
        var signature = fields.Text("signature");
        RequestFields.Require(("task_id_commitment", commitment.Length > 0), ("score", score.Length > 0),
            ("timestamp", timestamp != 0), ("signature", signature.Length > 0));
        var signed = new JsonObject { ["score"] = score, ["task_id_commitment"] = commitment };
        if (dtype.Length > 0)
        {
            signed["execution_dtype"] = dtype;
        }
        var signer = signatures.Verify(signed, timestamp, signature);
        relay.SubmitScore(commitment, signer, score, dtype);
        return RelayResponses.Success();
    }

    private static async Task<IResult> TaskErrorAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        var fields = await RequestFields.FromJsonAsync(ctx.Request, "inference_tasks.ReportTaskErrorInputWithSignature");
        var error = fields.Int("task_error", "models.TaskError");
        var timestamp = fields.Int64("timestamp");
        var signature = fields.Text("signature");
        RequestFields.Require(("task_id_commitment", commitment.Length > 0), ("task_error", error != 0),
            ("timestamp", timestamp != 0), ("signature", signature.Length > 0));
        var signer = signatures.Verify(new JsonObject { ["task_error"] = error, ["task_id_commitment"] = commitment }, timestamp, signature);
        relay.ReportError(commitment, signer, error);
        return RelayResponses.Success();
    }

    private static async Task<IResult> UploadAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        if (!ctx.Request.HasFormContentType)
        {
            throw RelayException.Validation("", "request Content-Type isn't multipart/form-data");
        }
        var fields = await RequestFields.FromFormAsync(ctx.Request);
        var timestamp = fields.Int64("timestamp");
        var signature = fields.Text("signature");
        RequestFields.Require(("task_id_commitment", commitment.Length > 0), ("Timestamp", timestamp != 0), ("Signature", signature.Length > 0));
        var signer = signatures.Verify(new JsonObject { ["task_id_commitment"] = commitment }, timestamp, signature);
        var files = new List<byte[]>();
        foreach (var file in fields.Form!.Files.GetFiles("files"))
        {
            files.Add(await ReadAsync(file));
        }
        var checkpoint = fields.Form.Files.GetFile("checkpoint") is { } part ? await ReadAsync(part) : null;
        relay.UploadResults(commitment, signer, files, checkpoint);
        return RelayResponses.Success();
    }

    private static async Task<byte[]> ReadAsync(IFormFile file)
    {
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>Unsigned; an unknown address is a 200 with the zero node.</summary>
    private static IResult NodeInfo(HttpContext ctx, RelayCore relay)
    {
        var address = (string)ctx.Request.RouteValues["address"]!;
        var node = relay.Node(address);
        return RelayResponses.Success(new JsonObject
        {
            ["address"] = node?.Address ?? address,
            ["status"] = (int)(node?.Status ?? NodeStatus.Quit),
            ["gpu_name"] = node?.GpuName ?? "",
            ["gpu_vram"] = node?.GpuVram ?? 0,
            ["qos_score"] = node?.QosScore ?? 0,
            ["version"] = node?.Version ?? "",
            ["in_use_model_ids"] = new JsonArray([.. (node?.InUseModelIds ?? []).Select(m => (JsonNode)m)]),
            ["model_ids"] = new JsonArray([.. (node?.ModelIds ?? []).Select(m => (JsonNode)m)]),
        });
    }
}
