using System.Globalization;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>Creator downloads, the input checkpoint and selected_node (docs/protocol.md §3.5, §3.6, §3.12).</summary>
internal static class ResultEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RelayCore relay, SignatureGate signatures)
    {
        app.MapGet("/v1/inference_tasks/{task_id_commitment}/results/checkpoint", RelayResponses.Route(ctx => ResultCheckpoint(ctx, relay, signatures)));
        if (relay.Options.Protocol >= 2026)
        {
            // The 2026 Relay serves the whole result in one download and no longer routes /results/{index}.
            app.MapGet("/v1/inference_tasks/{task_id_commitment}/results", RelayResponses.Route(ctx => WholeResultAsync(ctx, relay, signatures)));
        }
        else
        {
            app.MapGet("/v1/inference_tasks/{task_id_commitment}/results/{index}", RelayResponses.Route(ctx => Result(ctx, relay, signatures)));
        }
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

    /// <summary>GET …/results (2026): LLM → 0.json as application/json; SD → a ZIP of 0.png…; every check before any byte.</summary>
    private static async Task<IResult> WholeResultAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        var signer = Verify(ctx, signatures, new JsonObject { ["task_id_commitment"] = commitment }, "Timestamp", "Signature", panicOnShortSignature: false);
        var task = relay.ReadTaskFor(commitment, signer, allowSelectedNode: false);
        if (task.Status is not (RelayTaskStatus.EndSuccess or RelayTaskStatus.EndGroupSuccess))
        {
            throw RelayException.Validation("task_id", "Task results not uploaded");
        }
        if (task.TaskType == TaskType.StableDiffusionFinetuneLora)
        {
            throw RelayException.Validation("task_id_commitment", "Whole-task result download is not available for fine-tune tasks");
        }
        if (task.TaskSize == 0)
        {
            throw RelayException.Validation("task_id_commitment", "Task result size is invalid");
        }
        if (task.TaskType == TaskType.Llm && task.TaskSize != 1)
        {
            throw RelayException.Validation("task_id_commitment", "LLM task size must be 1");
        }
        var files = relay.Results(commitment).Files;
        var expected = task.TaskType == TaskType.Llm ? 1 : task.TaskSize;
        if ((ulong)files.Count < expected)
        {
            throw RelayException.Validation("task_id_commitment", "Task result files are incomplete");
        }
        var wanted = files.Take((int)expected).ToList();
        if (wanted.Sum(f => (long)f.Length) > relay.Options.ResultMaxUncompressedBytes)
        {
            throw RelayException.Validation("task_id_commitment", "Task result exceeds maximum aggregate size");
        }
        ctx.Response.Headers["Content-Description"] = "File Transfer";
        ctx.Response.Headers["Content-Transfer-Encoding"] = "binary";
        byte[] body;
        if (task.TaskType == TaskType.Llm)
        {
            ctx.Response.Headers.ContentDisposition = "attachment; filename=0.json";
            ctx.Response.ContentType = "application/json";
            body = wanted[0];
        }
        else
        {
            ctx.Response.Headers.ContentDisposition = "attachment; filename=results.zip";
            ctx.Response.ContentType = "application/zip";
            body = ResultArchive.Build(wanted);
        }
        // No Content-Length, as the Relay streams with io.Copy: the answer is chunked.
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
        return Results.Empty;
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

    private static string Verify(HttpContext ctx, SignatureGate signatures, JsonObject signed, string timestampField, string signatureField,
        bool panicOnShortSignature = true)
    {
        var fields = RequestFields.FromQuery(ctx.Request);
        var timestamp = fields.Int64("timestamp");
        var signature = fields.Text("signature");
        RequestFields.Require((timestampField, timestamp != 0), (signatureField, signature.Length > 0));
        return panicOnShortSignature ? signatures.Verify(signed, timestamp, signature) : signatures.VerifyWithoutPanic(signed, timestamp, signature);
    }

    private static IResult File(HttpContext ctx, byte[] bytes, string name)
    {
        ctx.Response.Headers["Content-Description"] = "File Transfer";
        ctx.Response.Headers["Content-Transfer-Encoding"] = "binary";
        ctx.Response.Headers.ContentDisposition = "attachment; filename=" + name;
        return Results.File(bytes, "application/octet-stream", enableRangeProcessing: true);
    }
}
