using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Llm;
using Crynux.Bridge.Models;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Api;

/// <summary>The raw task API (docs/api.md §2.6–§2.8): any task_args, the client polls for the outcome. Authenticated by API key.</summary>
public static class InferenceTaskEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/inference_tasks").WithTags("Raw tasks").AddEndpointFilter(NativeErrors.Filter);
        group.MapPost("", CreateAsync).WithSummary("Create a task from raw Crynux task_args")
            .Accepts<Schemas.RawTaskRequest>("application/json").Produces<Schemas.ClientTaskEnvelope>().WithNativeErrors();
        group.MapGet("/{client_id}/{task_id}", GetAsync).WithSummary("A task's state (the member that succeeded, if any)").WithNativeErrors();
        group.MapGet("/{client_id}/{task_id}/images/{image_num}", GetImageAsync).WithSummary("A result file of a successful task (PNG, or the LLM result JSON)")
            .Produces(200, contentType: "application/octet-stream").WithNativeErrors();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ClientAuth auth, TaskRuns runs, BridgeOptions options, Database db)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request);
        var taskType = ReadTaskType(body);
        var key = await auth.AuthenticateAsync(http, RoleOf(taskType));
        var (spec, feeParam, isWei, defaultFee) = ReadSpec(body, key, options);
        var task = await runs.AdmitAsync(http, key, ClientTaskKind.Raw, spec, feeParam: feeParam, fee: FeeTerms.Read(http, body, defaultFee));
        // A wei task_fee is today's contract, whose clients read client_id as the client's number.
        return Results.Json(new { message = "success", data = isWei ? await RawTaskEndpoints.DescribeAsync(db, task, http.RequestAborted) : Describe(task) });
    }

    internal static long ReadTaskType(JsonElement body) =>
        JsonBody.OptionalInteger(body, "task_type", 0, 2) ?? throw new ProblemException(Problem.BadRequest("task_type", "task_type is required: 0 (image), 1 (LLM) or 2 (image fine-tune)"));

    /// <summary>A raw task needs the role of its task type.</summary>
    internal static string RoleOf(long taskType) => taskType == 1 ? Roles.Chat : Roles.Image;

    /// <summary>Everything of a raw task body after task_type and authentication; a 4xx naming the field for bad input.</summary>
    internal static (TaskSpec Spec, string FeeParam, bool IsWei, bool DefaultFee) ReadSpec(JsonElement body, ApiKeyRow key, BridgeOptions options)
    {
        var taskType = ReadTaskType(body);
        var clientId = JsonBody.OptionalString(body, "client_id") ?? key.ClientId;
        if (!string.Equals(clientId, key.ClientId, StringComparison.OrdinalIgnoreCase) && !key.RoleList.Contains(Roles.Admin))
        {
            throw new ProblemException(Problem.Forbidden("client_id must be the API key's own client id") with { Param = "client_id" });
        }
        var args = ReadArgs(body, (int)taskType);
        var version = JsonBody.OptionalString(body, "task_version") ?? options.Task.DefaultTaskVersion;
        if (version.Split('.') is not { Length: 3 } parts || parts.Any(p => !uint.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new ProblemException(Problem.BadRequest("task_version", "task_version must look like 3.1.0"));
        }
        var timeout = JsonBody.OptionalInteger(body, "timeout", 1, 7 * 86400);
        if (taskType == 2 && timeout is null)
        {
            timeout = 3600;
        }
        else if (taskType != 2 && timeout is not null)
        {
            throw new ProblemException(Problem.BadRequest("timeout", "timeout is only supported for SD fine-tune tasks (task_type 2); the Relay sets the others"));
        }
        var (models, size, defaultVram, feeCnx) = Describe((int)taskType, args, options.Task);
        var minVram = JsonBody.OptionalInteger(body, "min_vram", 0, 1024) ?? defaultVram;
        var gpu = JsonBody.OptionalString(body, "required_gpu") ?? "";
        var gpuVram = JsonBody.OptionalInteger(body, "required_gpu_vram", 0, 1024) ?? 0;
        var repeat = (int)(JsonBody.OptionalInteger(body, "repeat_num", 1, 10) ?? options.Task.RepeatNum);
        var given = RawTaskFee.Read(body, size, out var isWei);
        var fee = given ?? Fees.CnxToWei(feeCnx) * size;
        var spec = new TaskSpec((TaskType)taskType, args.ToJsonString(), models, minVram, gpu, gpuVram, size, version, fee, timeout ?? 0, repeat);
        return (spec, given is null ? "task_args" : "task_fee", isWei, given is null);
    }

    private static JsonObject ReadArgs(JsonElement body, int taskType)
    {
        if (!JsonChecks.Has(body, "task_args", out var raw))
        {
            throw new ProblemException(Problem.BadRequest("task_args", "task_args is required"));
        }
        JsonDocument? parsed = null;
        try
        {
            if (raw.ValueKind == JsonValueKind.String)
            {
                var text = JsonChecks.AsString(raw) ?? throw new ProblemException(Problem.BadRequest("task_args", "task_args must be valid Unicode text (no lone surrogates or invalid UTF-8)"));
                parsed = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
                raw = parsed.RootElement;
            }
            if (raw.ValueKind != JsonValueKind.Object)
            {
                throw new ProblemException(Problem.BadRequest("task_args", "task_args must be a JSON object"));
            }
            JsonBody.RequireReadable(raw, "task_args");
            var args = (JsonObject)ToNode(raw)!;
            if (TaskArgsSchemas.Validate(taskType, args) is { } error)
            {
                throw new ProblemException(Problem.BadRequest("task_args", "invalid task_args: " + error));
            }
            return args;
        }
        catch (JsonException e)
        {
            throw new ProblemException(Problem.BadRequest("task_args", "task_args must be valid JSON: " + e.Message));
        }
        finally
        {
            parsed?.Dispose();
        }
    }

    /// <summary>
    /// A checked element (see JsonChecks.Readable) as a JsonNode. Integral numbers written as floats (1.0, 1e0) become
    /// integers, as on every route: the Relay's and the nodes' integer fields do not all take 1.0.
    /// </summary>
    private static JsonNode? ToNode(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in e.EnumerateObject())
                {
                    obj[property.Name] = ToNode(property.Value);
                }
                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in e.EnumerateArray())
                {
                    array.Add(ToNode(item));
                }
                return array;
            case JsonValueKind.String:
                return JsonValue.Create(e.GetString());
            case JsonValueKind.Number:
                return JsonChecks.TryInteger(e, out var integer) ? JsonValue.Create(integer) : JsonNode.Parse(e.GetRawText());
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Model ids, task size, default VRAM and default fee of raw task_args (docs/api.md §7.3).</summary>
    private static (List<string> Models, long Size, long MinVram, decimal FeeCnx) Describe(int taskType, JsonObject args, TaskOptions options)
    {
        static string? Name(JsonNode? node) => node is JsonObject o ? Text(o["name"]) : Text(node);
        static string WithVariant(JsonNode? node)
        {
            var name = Name(node) ?? "";
            return node is JsonObject o && Text(o["variant"]) is { Length: > 0 } v ? $"{name}+{v}" : name;
        }
        switch (taskType)
        {
            case 1:
                return ([$"base:{Text(args["model"])}"], 1, 24, options.DefaultLlmTaskFeeCnx);
            case 0:
                var models = new List<string> { $"base:{WithVariant(args["base_model"])}" };
                if (args["lora"] is JsonObject lora && Text(lora["model"]) is { } loraModel)
                {
                    models.Add($"lora:{loraModel}");
                }
                if (args["controlnet"] is JsonObject control && Text(control["model"]) is { } controlModel)
                {
                    models.Add($"controlnet:{controlModel}");
                }
                var n = args["task_config"] is JsonObject config && config["num_images"] is JsonValue count && count.TryGetValue<long>(out var images) ? images : 6;
                var known = SdModels.Find(Name(args["base_model"]) ?? "");
                return (models, n, (long)(known?.MinVram ?? 10), known is null ? options.DefaultSdTaskFeeCnx : SdModels.FeeCnx(known, options));
            default:
                return ([$"base:{WithVariant(args["model"])}"], 1, 24, options.DefaultSdFinetuneTaskFeeCnx);
        }
    }

    private static object Describe(ClientTaskRow task) => new
    {
        id = task.Id,
        created_at = DateTimeOffset.FromUnixTimeMilliseconds(task.CreatedAt),
        updated_at = DateTimeOffset.FromUnixTimeMilliseconds(task.UpdatedAt),
        deleted_at = (DateTimeOffset?)null,
        client_id = task.ClientId,
        status = task.Status,
        failed_count = task.FailedCount,
    };

    private static async Task<(ClientTaskRow Task, InferenceTaskRow Member)> FindAsync(HttpContext http, ClientAuth auth, TaskStore store, string clientId, string taskId)
    {
        var key = await auth.AuthenticateAsync(http, role: null);
        if (!long.TryParse(taskId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            throw new ProblemException(Problem.BadRequest("task_id", "task_id must be a positive integer"));
        }
        var task = await store.GetClientTaskAsync(id, http.RequestAborted);
        var mayRead = key.RoleList.Contains(Roles.Admin) || string.Equals(key.ClientId, clientId, StringComparison.OrdinalIgnoreCase);
        if (task is null || !mayRead || !string.Equals(task.ClientId, clientId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ProblemException(Problem.NotFound("task_id", "Client task not found"));
        }
        var members = await store.GetMembersAsync(id, http.RequestAborted);
        // docs/api.md §2.7: the member with the result, else a member that is not aborted, else the first.
        var member = members.FirstOrDefault(m => m.Id == task.ResultTaskId)
            ?? members.FirstOrDefault(m => m.State != InferenceStatus.EndAborted) ?? members[0];
        return (task, member);
    }

    private static async Task<IResult> GetAsync(HttpContext http, string client_id, string task_id, ClientAuth auth, TaskStore store)
    {
        var (task, m) = await FindAsync(http, auth, store, client_id, task_id);
        return Results.Json(new
        {
            message = "success",
            data = new
            {
                id = m.Id,
                created_at = DateTimeOffset.FromUnixTimeMilliseconds(m.CreatedAt),
                updated_at = DateTimeOffset.FromUnixTimeMilliseconds(m.UpdatedAt),
                deleted_at = (DateTimeOffset?)null,
                client_id = task.ClientId,
                client_task_id = task.Id,
                client_task_status = task.Status,
                error = task.Error,
                task_args = m.TaskArgs,
                task_type = m.TaskType,
                task_model_ids = m.ModelIds,
                task_version = m.TaskVersion,
                task_fee = System.Numerics.BigInteger.Parse(m.TaskFee, CultureInfo.InvariantCulture) / Fees.WeiPerGwei,
                min_vram = m.MinVram,
                required_gpu = m.RequiredGpu,
                required_gpu_vram = m.RequiredGpuVram,
                task_size = m.TaskSize,
                timeout = m.Timeout,
                status = m.Status,
                task_id = m.TaskId,
                task_id_commitment = m.TaskIdCommitment,
                nonce = m.Nonce,
                sequence = m.Sequence,
                need_result = m.IsValidation == 0,
                sampling_seed = m.SamplingSeed,
                vrf_proof = m.VrfProof,
                vrf_number = m.VrfNumber,
                selected_node = m.SelectedNode,
                abort_reason = m.AbortReason,
                task_error = m.TaskError,
            },
        });
    }

    private static async Task<IResult> GetImageAsync(HttpContext http, string client_id, string task_id, string image_num, ClientAuth auth, TaskStore store, ResultFiles files)
    {
        var (task, member) = await FindAsync(http, auth, store, client_id, task_id);
        if (!int.TryParse(image_num, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new ProblemException(Problem.BadRequest("image_num", "image_num must be a non-negative integer"));
        }
        if (task.Status != ClientTaskStatus.Success)
        {
            throw new ProblemException(new Problem(409, "task_id", task.Status == ClientTaskStatus.Running ? "The task is still running" : "Client task was not successful: " + task.Error, "invalid_request_error", "task_not_successful"));
        }
        var paths = files.FilesOf(member);
        if (index >= paths.Count || !File.Exists(paths[index]))
        {
            throw new ProblemException(Problem.NotFound("image_num", "Image not found"));
        }
        http.Response.Headers.ContentDisposition = $"attachment; filename={Path.GetFileName(paths[index])}";
        return Results.File(paths[index], "application/octet-stream");
    }
}
