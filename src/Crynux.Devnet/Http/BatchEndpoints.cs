using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;
using Crynux.Devnet.TaskArgs;

namespace Crynux.Devnet.Http;

/// <summary>The 2026 signed batch endpoints: create, status, validate and abort many tasks in one request (docs in README.md).</summary>
internal static class BatchEndpoints
{
    private const string CreateType = "inference_tasks.BatchCreateTaskInput";
    private const string StatusType = "inference_tasks.BatchTaskStatusInput";
    private const string ValidateType = "inference_tasks.BatchValidateTaskInput";
    private const string AbortType = "inference_tasks.BatchAbortTaskInput";
    private static readonly string[] CreateStrings = ["task_id_commitment", "task_args", "nonce", "required_gpu", "task_version"];
    private static readonly string[] CreateNumbers = ["min_vram", "required_gpu_vram", "task_size", "timeout"];
    private static readonly string[] ValidateStrings = ["task_id", "vrf_proof", "public_key"];

    public static void Map(IEndpointRouteBuilder app, RelayCore relay, SignatureGate signatures)
    {
        app.MapPost("/v1/inference_tasks/batch", RelayResponses.Route(ctx => CreateAsync(ctx, relay, signatures)));
        app.MapPost("/v1/inference_tasks/batch/status", RelayResponses.Route(ctx => StatusAsync(ctx, relay, signatures)));
        app.MapPost("/v1/inference_tasks/batch/validate", RelayResponses.Route(ctx => ValidateAsync(ctx, relay, signatures)));
        app.MapPost("/v1/inference_tasks/batch/abort", RelayResponses.Route(ctx => AbortAsync(ctx, relay, signatures)));
    }

    private static async Task<IResult> CreateAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var request = await BatchRequest.ReadAsync(ctx.Request, CreateType, "items", (item, _) => CheckCreateItem(item));
        var items = request.List.Select(i => (JsonObject)i!).ToList();
        var signed = new JsonObject { ["items"] = new JsonArray([.. items.Select(i => (JsonNode)Rendered(i))]) };
        var creator = request.Check("items", relay.Options.BatchCreateMaxItems, i => Str(i, "task_id_commitment"), signatures, signed);
        var results = new JsonArray();
        foreach (var item in items)
        {
            var commitment = Str(item, "task_id_commitment");
            var result = Prepare(item, creator, out var error) is { } task
                ? relay.CreateBatchItem(task)
                : new BatchCreateResult("permanent_error", Error: error);
            var row = new JsonObject { ["task_id_commitment"] = commitment, ["outcome"] = result.Outcome };
            if (result.Sequence != 0)
            {
                row["sequence"] = result.Sequence;
            }
            if (result.SamplingSeed.Length > 0)
            {
                row["sampling_seed"] = result.SamplingSeed;
            }
            row["status"] = result.Status;
            if (result.Error is not null)
            {
                row["error"] = result.Error;
            }
            results.Add(row);
        }
        return RelayResponses.Success(results);
    }

    /// <summary>prepareBatchTask: a NewTask, or null with the item's permanent error text.</summary>
    private static NewTask? Prepare(JsonObject item, string creator, out string? error)
    {
        error = null;
        var type = (int)(UInt(item, "task_type") ?? 0);
        var minVram = UInt(item, "min_vram");
        var taskSize = UInt(item, "task_size");
        var modelIds = item["task_model_ids"] is JsonArray ids ? ids.Select(m => m!.GetValue<string>()).ToList() : null;
        var (commitment, taskArgs, nonce, version) = (Str(item, "task_id_commitment"), Str(item, "task_args"), Str(item, "nonce"), Str(item, "task_version"));
        if (type is not (0 or 1))
        {
            error = "batch creation supports only ordinary SD and LLM tasks";
        }
        else if (minVram is null || taskSize is null)
        {
            error = "min_vram and task_size are required";
        }
        else if (commitment.Length == 0 || taskArgs.Length == 0 || nonce.Length == 0 || modelIds is not { Count: > 0 } || version.Length == 0)
        {
            error = "required task input is missing";
        }
        if (error is not null)
        {
            return null;
        }
        string args;
        double estimate;
        try
        {
            (args, estimate) = TaskArgsProcessor.Prepare(taskArgs, (TaskType)type);
        }
        catch (RelayException e)
        {
            error = e.Message;
            return null;
        }
        if (!NodeRecord.TryParseVersion(version, out _))
        {
            error = "invalid task version";
            return null;
        }
        var fee = Fee(item);
        if (fee.Sign < 0)
        {
            // As on the single create, the devnet refuses a negative fee that the Relay would credit.
            error = "task fee must not be negative";
            return null;
        }
        var gpu = string.Join(' ', Str(item, "required_gpu").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var gpuVram = UInt(item, "required_gpu_vram") ?? 0;
        return new NewTask(commitment, args, (TaskType)type, nonce, [.. modelIds!.Select(m => m.ToLowerInvariant())], minVram, gpu,
            gpuVram, version, taskSize, fee, UInt(item, "timeout") ?? 0, creator, [], estimate, gpu.Length > 0 ? gpuVram : minVram!.Value);
    }

    /// <summary>The item as the Relay re-renders its struct for the signature: pointers null, task_fee a string, timeout omitted when 0.</summary>
    private static JsonObject Rendered(JsonObject item)
    {
        var rendered = new JsonObject
        {
            ["task_id_commitment"] = Str(item, "task_id_commitment"),
            ["task_args"] = Str(item, "task_args"),
            ["task_type"] = UInt(item, "task_type") ?? 0,
            ["nonce"] = Str(item, "nonce"),
            ["task_model_ids"] = item["task_model_ids"] is JsonArray ids ? new JsonArray([.. ids.Select(m => (JsonNode)m!.GetValue<string>())]) : null,
            ["min_vram"] = UInt(item, "min_vram"),
            ["required_gpu"] = item["required_gpu"] is null ? null : Str(item, "required_gpu"),
            ["required_gpu_vram"] = UInt(item, "required_gpu_vram"),
            ["task_version"] = Str(item, "task_version"),
            ["task_size"] = UInt(item, "task_size"),
            ["task_fee"] = Fee(item).ToString(CultureInfo.InvariantCulture),
        };
        if (UInt(item, "timeout") is { } timeout and not 0)
        {
            rendered["timeout"] = timeout;
        }
        return rendered;
    }

    /// <summary>The Go decode errors of one create item (a type error fails the whole request).</summary>
    private static void CheckCreateItem(JsonNode? item)
    {
        if (item is not JsonObject obj)
        {
            if (item is not null)
            {
                throw BatchRequest.TypeError(CreateType, "items", item, "inference_tasks.TaskInput");
            }
            throw RelayException.Validation("items", "json: cannot unmarshal null into Go struct field " + CreateType + ".items of type inference_tasks.TaskInput");
        }
        foreach (var name in CreateStrings)
        {
            ExpectString(obj, name, CreateType);
        }
        ExpectUInt(obj, "task_type", CreateType, "models.TaskType", byte.MaxValue);
        foreach (var name in CreateNumbers)
        {
            ExpectUInt(obj, name, CreateType, "uint64", ulong.MaxValue);
        }
        ExpectStrings(obj, "task_model_ids", CreateType);
        if (obj["task_fee"] is { } fee)
        {
            var text = fee.GetValueKind() == JsonValueKind.Number ? fee.ToJsonString() : fee.GetValueKind() == JsonValueKind.String ? fee.GetValue<string>() : null;
            if (text is null || text.Length == 0 || !text.All(c => char.IsAsciiDigit(c) || c == '-')
                || !BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                throw RelayException.Validation("", $"math/big: cannot unmarshal \"{text ?? fee.ToJsonString()}\" into a *big.Int");
            }
        }
    }

    private static async Task<IResult> StatusAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var request = await BatchRequest.ReadAsync(ctx.Request, StatusType, "task_id_commitments", (item, _) =>
        {
            if (item is null || item.GetValueKind() != JsonValueKind.String)
            {
                throw item is null
                    ? RelayException.Validation("task_id_commitments", $"json: cannot unmarshal null into Go struct field {StatusType}.task_id_commitments of type string")
                    : BatchRequest.TypeError(StatusType, "task_id_commitments", item, "string");
            }
        });
        var commitments = request.List.Select(c => c!.GetValue<string>()).ToList();
        var signed = new JsonObject { ["task_id_commitments"] = new JsonArray([.. commitments.Select(c => (JsonNode)c)]) };
        var signer = request.Check("task_id_commitments", relay.Options.BatchStatusMaxItems, c => c!.GetValue<string>(), signatures, signed);
        var tasks = relay.ReadOwnTasks(commitments, signer);
        var rows = new JsonArray();
        for (var i = 0; i < commitments.Count; i++)
        {
            var t = tasks[i];
            var row = new JsonObject
            {
                ["task_id_commitment"] = commitments[i],
                ["found"] = t is not null,
                ["status"] = (int)(t?.Status ?? 0),
                ["abort_reason"] = (int)(t?.AbortReason ?? 0),
                ["task_error"] = t?.TaskError ?? 0,
            };
            if (t is not null)
            {
                if (t.Sequence != 0)
                {
                    row["sequence"] = t.Sequence;
                }
                row["sampling_seed"] = t.SamplingSeed;
                if (t.ExecutionGpu.Length > 0)
                {
                    row["execution_gpu"] = t.ExecutionGpu;
                }
                if (t.ExecutionGpuVram != 0)
                {
                    row["execution_gpu_vram"] = t.ExecutionGpuVram;
                }
                if (t.EstimatedCompletionTime is { } eta)
                {
                    row["estimated_completion_time"] = GoTime.Format(eta);
                }
            }
            row["result_available"] = t?.Status is RelayTaskStatus.EndSuccess or RelayTaskStatus.EndGroupSuccess;
            rows.Add(row);
        }
        return RelayResponses.Success(rows);
    }

    private static async Task<IResult> ValidateAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var request = await BatchRequest.ReadAsync(ctx.Request, ValidateType, "items", (item, _) =>
        {
            if (item is not JsonObject obj)
            {
                throw item is null
                    ? RelayException.Validation("items", $"json: cannot unmarshal null into Go struct field {ValidateType}.items of type inference_tasks.ValidateTaskInput")
                    : BatchRequest.TypeError(ValidateType, "items", item, "inference_tasks.ValidateTaskInput");
            }
            ExpectStrings(obj, "task_id_commitments", ValidateType);
            foreach (var name in ValidateStrings)
            {
                ExpectString(obj, name, ValidateType);
            }
        });
        var units = request.List.Select(i => (JsonObject)i!).Select(i => (
            Commitments: i["task_id_commitments"] is JsonArray c ? c.Select(x => x!.GetValue<string>()).ToList() : null,
            TaskId: Str(i, "task_id"), Proof: Str(i, "vrf_proof"), Key: Str(i, "public_key"))).ToList();
        var signed = new JsonObject
        {
            ["items"] = new JsonArray([.. units.Select(u => (JsonNode)new JsonObject
            {
                ["task_id_commitments"] = u.Commitments is null ? null : new JsonArray([.. u.Commitments.Select(c => (JsonNode)c)]),
                ["task_id"] = u.TaskId,
                ["vrf_proof"] = u.Proof,
                ["public_key"] = u.Key,
            })]),
        };
        bool Duplicates()
        {
            var sets = new HashSet<string>(StringComparer.Ordinal);
            foreach (var u in units)
            {
                var list = u.Commitments ?? [];
                if (list.Distinct(StringComparer.Ordinal).Count() != list.Count
                    || !sets.Add(string.Join(',', list.Order(StringComparer.Ordinal))))
                {
                    return true;
                }
            }
            return false;
        }
        var signer = request.Check("items", relay.Options.BatchValidateMaxItems, Duplicates, signatures, signed);
        var rows = new JsonArray();
        foreach (var u in units)
        {
            var (outcome, error) = relay.ValidateBatchUnit(u.Commitments ?? [], u.TaskId, u.Proof, u.Key, signer);
            var row = new JsonObject
            {
                ["task_id_commitments"] = new JsonArray([.. (u.Commitments ?? []).Select(c => (JsonNode)c)]),
                ["outcome"] = outcome,
            };
            if (error is not null)
            {
                row["error"] = error;
            }
            rows.Add(row);
        }
        return RelayResponses.Success(rows);
    }

    private static async Task<IResult> AbortAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var request = await BatchRequest.ReadAsync(ctx.Request, AbortType, "items", (item, _) =>
        {
            if (item is not JsonObject obj)
            {
                throw item is null
                    ? RelayException.Validation("items", $"json: cannot unmarshal null into Go struct field {AbortType}.items of type inference_tasks.AbortTaskInput")
                    : BatchRequest.TypeError(AbortType, "items", item, "inference_tasks.AbortTaskInput");
            }
            ExpectString(obj, "task_id_commitment", AbortType);
            ExpectUInt(obj, "abort_reason", AbortType, "models.TaskAbortReason", byte.MaxValue);
        });
        var items = request.List.Select(i => (JsonObject)i!).Select(i => (Commitment: Str(i, "task_id_commitment"), Reason: (int)(UInt(i, "abort_reason") ?? 0))).ToList();
        var signed = new JsonObject
        {
            ["items"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject { ["abort_reason"] = i.Reason, ["task_id_commitment"] = i.Commitment })]),
        };
        var signer = request.Check("items", relay.Options.BatchAbortMaxItems, i => Str((JsonObject)i!, "task_id_commitment"), signatures, signed);
        var rows = new JsonArray();
        foreach (var (commitment, reason) in items)
        {
            var (outcome, error) = relay.AbortBatchItem(commitment, reason, signer);
            var row = new JsonObject { ["task_id_commitment"] = commitment, ["outcome"] = outcome };
            if (error is not null)
            {
                row["error"] = error;
            }
            rows.Add(row);
        }
        return RelayResponses.Success(rows);
    }

    private static string Str(JsonNode? item, string name) =>
        item is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    private static ulong? UInt(JsonObject item, string name) =>
        item[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<decimal>(out var d) ? (ulong)d : null;

    private static BigInteger Fee(JsonObject item) => item["task_fee"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0 =>
            BigInteger.Parse(v.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => BigInteger.Parse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        _ => BigInteger.Zero,
    };

    private static void ExpectString(JsonObject item, string name, string goType)
    {
        if (item[name] is { } node && node.GetValueKind() != JsonValueKind.String)
        {
            throw BatchRequest.TypeError(goType, "items." + name, node, "string");
        }
    }

    private static void ExpectStrings(JsonObject item, string name, string goType)
    {
        switch (item[name])
        {
            case null:
                return;
            case JsonArray array:
                foreach (var element in array)
                {
                    if (element?.GetValueKind() != JsonValueKind.String)
                    {
                        throw element is null
                            ? RelayException.Validation("items." + name, "json: cannot unmarshal null into Go struct field " + goType + ".items." + name + " of type string")
                            : BatchRequest.TypeError(goType, "items." + name, element, "string");
                    }
                }
                return;
            case var other:
                throw BatchRequest.TypeError(goType, "items." + name, other, "[]string");
        }
    }

    private static void ExpectUInt(JsonObject item, string name, string requestType, string goType, decimal max)
    {
        if (item[name] is { } node && (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<decimal>(out var n)
            || n != decimal.Truncate(n) || n < 0 || n > max))
        {
            throw BatchRequest.TypeError(requestType, "items." + name, node, goType);
        }
    }
}
