using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;
using Crynux.Devnet.TaskArgs;

namespace Crynux.Devnet.Http;

/// <summary>Create, get and cancel a task (docs/protocol.md §3.1, §3.2, §3.4).</summary>
internal static class TaskEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RelayCore relay, SignatureGate signatures)
    {
        app.MapPost("/v1/inference_tasks/{task_id_commitment}", RelayResponses.Route(ctx => CreateAsync(ctx, relay, signatures)));
        app.MapGet("/v1/inference_tasks/{task_id_commitment}", RelayResponses.Route(ctx => Get(ctx, relay, signatures)));
        app.MapPost("/v1/inference_tasks/{task_id_commitment}/abort_reason", RelayResponses.Route(ctx => AbortAsync(ctx, relay, signatures)));
    }

    private static async Task<IResult> CreateAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        var fields = ctx.Request.HasFormContentType
            ? await RequestFields.FromFormAsync(ctx.Request)
            : await RequestFields.FromJsonAsync(ctx.Request, "inference_tasks.TaskInputWithSignature");
        var taskType = fields.Int("task_type", "models.TaskType");
        ulong? minVram = fields.Has("min_vram") ? fields.UInt64("min_vram") : null;
        ulong? requiredGpuVram = fields.Has("required_gpu_vram") ? fields.UInt64("required_gpu_vram") : null;
        ulong? taskSize = fields.Has("task_size") ? fields.UInt64("task_size") : null;
        string? requiredGpu = fields.Has("required_gpu") ? fields.Text("required_gpu") : null;
        var timeout = fields.UInt64("timeout");
        var fee = ParseFee(fields);
        var timestamp = fields.Int64("timestamp");
        var taskArgs = fields.Text("task_args");
        var nonce = fields.Text("nonce");
        var modelIds = fields.Strings("task_model_ids");
        var version = fields.Text("task_version");
        var signature = fields.Text("signature");
        if (taskType is < 0 or > 255)
        {
            throw RelayException.Validation("", $"strconv.ParseUint: parsing \"{taskType}\": value out of range");
        }
        RequestFields.Require(("task_id_commitment", commitment.Length > 0), ("task_args", taskArgs.Length > 0),
            ("nonce", nonce.Length > 0), ("task_model_ids", modelIds is not null), ("task_version", version.Length > 0),
            ("timestamp", timestamp != 0), ("signature", signature.Length > 0));

        var signed = new JsonObject
        {
            ["task_id_commitment"] = commitment,
            ["task_args"] = taskArgs,
            ["task_type"] = taskType,
            ["nonce"] = nonce,
            ["task_model_ids"] = new JsonArray([.. modelIds!.Select(m => (JsonNode)m)]),
            ["min_vram"] = minVram,
            ["required_gpu"] = requiredGpu,
            ["required_gpu_vram"] = requiredGpuVram,
            ["task_version"] = version,
            ["task_size"] = taskSize,
            ["task_fee"] = fee.ToString(CultureInfo.InvariantCulture),
        };
        if (timeout != 0)
        {
            signed["timeout"] = timeout;
        }
        var creator = signatures.Verify(signed, timestamp, signature);

        var normalizedIds = modelIds!.Select(m => m.ToLowerInvariant()).ToList();
        var normalizedGpu = requiredGpu is null ? null : string.Join(' ', requiredGpu.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var type = (TaskType)taskType;
        var (args, estimate) = TaskArgsProcessor.Prepare(taskArgs, type);
        if (type == TaskType.StableDiffusionFinetuneLora && timeout == 0)
        {
            throw RelayException.Validation("timeout", "Timeout is required for fine-tune tasks");
        }
        if (!NodeRecord.TryParseVersion(version, out _))
        {
            throw RelayException.Validation("task_version", "Invalid task version");
        }
        if (fee.Sign < 0)
        {
            // The Relay would credit the creator here (docs/protocol.md §4.7); the devnet refuses instead.
            throw RelayException.Validation("task_fee", "Task fee must not be negative");
        }
        if (relay.Options.Protocol >= 2026)
        {
            // The 2026 Relay rejects these before charging (the 2025 one panics on them); absent GPU fields mean none.
            RequestFields.Require(("min_vram", minVram is not null), ("task_size", taskSize is not null));
            requiredGpu ??= "";
            normalizedGpu ??= "";
            requiredGpuVram ??= 0;
        }
        var checkpoints = new List<byte[]>();
        foreach (var file in fields.Form?.Files.GetFiles("checkpoint") ?? [])
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer);
            checkpoints.Add(buffer.ToArray());
        }
        var created = relay.CreateTask(new NewTask(commitment, args, type, nonce, normalizedIds, minVram, normalizedGpu,
            requiredGpuVram, version, taskSize, fee, timeout, creator, checkpoints, estimate,
            normalizedGpu is { Length: > 0 } ? requiredGpuVram ?? 0 : minVram ?? 0));
        return RelayResponses.Success(TaskJson.From(created));
    }

    private static BigInteger ParseFee(RequestFields fields)
    {
        var text = fields.Has("task_fee") ? fields.TextOrNumber("task_fee").Trim('"') : "";
        if (text.Length == 0)
        {
            return BigInteger.Zero;
        }
        if (!text.All(c => char.IsAsciiDigit(c) || c == '-') || !BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var fee))
        {
            throw RelayException.Validation("", $"math/big: cannot unmarshal \"{text}\" into a *big.Int");
        }
        return fee;
    }

    private static IResult Get(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        var fields = RequestFields.FromQuery(ctx.Request);
        var timestamp = fields.Int64("timestamp");
        var signature = fields.Text("signature");
        RequestFields.Require(("task_id_commitment", commitment.Length > 0), ("timestamp", timestamp != 0), ("signature", signature.Length > 0));
        var signer = signatures.Verify(new JsonObject { ["task_id_commitment"] = commitment }, timestamp, signature);
        return RelayResponses.Success(TaskJson.From(relay.ReadTask(commitment, signer)));
    }

    private static async Task<IResult> AbortAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var commitment = (string)ctx.Request.RouteValues["task_id_commitment"]!;
        var fields = await RequestFields.FromJsonAsync(ctx.Request, "inference_tasks.AbortTaskInputWithSignature");
        var reason = fields.Int("abort_reason", "models.TaskAbortReason");
        var timestamp = fields.Int64("timestamp");
        var signature = fields.Text("signature");
        RequestFields.Require(("task_id_commitment", commitment.Length > 0), ("abort_reason", reason != 0),
            ("timestamp", timestamp != 0), ("signature", signature.Length > 0));
        var signer = signatures.Verify(new JsonObject { ["abort_reason"] = reason, ["task_id_commitment"] = commitment }, timestamp, signature);
        relay.AbortByCreator(commitment, signer, reason);
        return RelayResponses.Success();
    }
}
