using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>The /devnet admin API: the functions of <see cref="DevnetControl"/> over HTTP (see README.md).</summary>
internal static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app, DevnetControl control)
    {
        var admin = app.MapGroup("/devnet");
        admin.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (ArgumentException e)
            {
                return Bad(e.Message);
            }
        });
        admin.MapGet("/stats", () => Ok(Stats(control)));
        admin.MapPost("/stats/reset", () =>
        {
            control.Requests.Reset();
            return Ok(new JsonObject());
        });
        admin.MapPost("/fund", async (HttpContext ctx) =>
        {
            var body = await BodyAsync(ctx);
            var address = body?["address"]?.GetValue<string>();
            if (string.IsNullOrEmpty(address) || !Crypto.EthAddress.IsValid(address)
                || !BigInteger.TryParse(body?["wei"]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var wei))
            {
                return Bad("address (0x + 40 hex) and wei (decimal string) are required");
            }
            var checksummed = Crypto.EthAddress.ToChecksum(address);
            control.Fund(checksummed, wei);
            return Ok(new JsonObject { ["address"] = checksummed, ["balance"] = control.GetBalance(checksummed).ToString(CultureInfo.InvariantCulture) });
        });
        admin.MapGet("/balance/{address}", (string address) =>
            Ok(new JsonObject { ["address"] = address, ["balance"] = control.GetBalance(address).ToString(CultureInfo.InvariantCulture) }));
        admin.MapGet("/ledger", (string? address) => Ok(new JsonArray([.. control.GetLedger(address).Select(e => (JsonNode)new JsonObject
        {
            ["id"] = e.Id,
            ["time"] = GoTime.Format(e.Time),
            ["address"] = e.Address,
            ["kind"] = e.Kind.ToString(),
            ["amount"] = e.Amount.ToString(CultureInfo.InvariantCulture),
            ["balance_after"] = e.BalanceAfter.ToString(CultureInfo.InvariantCulture),
            ["task_id_commitment"] = e.TaskIdCommitment,
        })])));
        admin.MapGet("/tasks", () => Ok(new JsonArray([.. control.GetTasks().Select(t => (JsonNode)TaskJson.From(t))])));
        admin.MapGet("/tasks/{commitment}", (string commitment) =>
            control.GetTask(commitment) is { } task ? Ok(TaskJson.From(task)) : Results.NotFound(new { message = "Task not found" }));
        admin.MapGet("/nodes", () => Ok(new JsonArray([.. control.GetNodes().Select(n => (JsonNode)Node(n))])));
        admin.MapPost("/nodes", async (HttpContext ctx) =>
        {
            var body = await BodyAsync(ctx) ?? [];
            var node = new NodeOptions();
            if (body["gpu_name"] is JsonValue name && name.TryGetValue<string>(out var gpu))
            {
                node.GpuName = gpu;
            }
            if (JsonNumbers.TryGetDouble(body["gpu_vram"], out var vram) && vram >= 0)
            {
                node.GpuVram = (ulong)vram;
            }
            if (JsonNumbers.TryGetDouble(body["gpu_count"], out var count))
            {
                node.GpuCount = (int)Math.Clamp(count, 0, 1000);
            }
            if (body["tensor_parallel"] is JsonValue tp && tp.TryGetValue<bool>(out var tensorParallel))
            {
                node.TensorParallel = tensorParallel;
            }
            if (node.GpuCount is < 1 or > 64)
            {
                return Bad("gpu_count must be 1..64");
            }
            if (body["version"] is JsonValue version && version.TryGetValue<string>(out var v))
            {
                node.Version = v;
            }
            if (body["models"] is JsonArray models)
            {
                node.Models.Clear();
                foreach (var model in models.OfType<JsonValue>().Select(m => m.ToString()))
                {
                    node.Models.Add(model);
                }
            }
            if (!Relay.NodeRecord.TryParseVersion(node.Version, out _))
            {
                return Bad("version must be X.Y.Z");
            }
            return Ok(new JsonObject { ["address"] = control.AddNode(node) });
        });
        admin.MapPost("/nodes/{address}/behaviour", async (HttpContext ctx, string address) =>
        {
            var body = await BodyAsync(ctx);
            var behaviour = body is null || body.Count == 0 ? null : Behaviour(body);
            return control.SetNodeBehaviour(address, behaviour) ? Ok(new JsonObject()) : Results.NotFound(new { message = "Node not found" });
        });
        admin.MapPost("/behaviour", async (HttpContext ctx) =>
        {
            control.DefaultNodeBehaviour = Behaviour(await BodyAsync(ctx) ?? []);
            return Ok(new JsonObject());
        });
        admin.MapPost("/nodes/{address}/gpu", async (HttpContext ctx, string address) =>
        {
            var body = await BodyAsync(ctx);
            if (body?["gpu_name"] is not JsonValue name || !name.TryGetValue<string>(out var gpu) || string.IsNullOrWhiteSpace(gpu)
                || !JsonNumbers.TryGetDouble(body["gpu_vram"], out var vram) || vram < 0 || vram != Math.Floor(vram))
            {
                return Bad("gpu_name (text) and gpu_vram (whole GB) are required");
            }
            return control.SetNodeGpu(address, gpu, (ulong)vram) ? Ok(new JsonObject()) : Results.NotFound(new { message = "Node not found" });
        });
        admin.MapGet("/protocol", () => Ok(new JsonObject { ["protocol"] = control.Protocol }));
        admin.MapGet("/hub", () => Ok(Hub(control)));
        admin.MapPost("/hub", async (HttpContext ctx) =>
        {
            var body = await BodyAsync(ctx);
            if (body is null)
            {
                return Bad("body must be a JSON object");
            }
            bool? available = null;
            if (body.ContainsKey("available"))
            {
                if (body["available"] is not JsonValue a || !a.TryGetValue<bool>(out var flag))
                {
                    return Bad("available must be true or false");
                }
                available = flag;
            }
            int? forced = null;
            if (body.ContainsKey("forced_status") && body["forced_status"] is not null)
            {
                if (!JsonNumbers.TryGetDouble(body["forced_status"], out var status) || status is < 100 or > 599 || status != Math.Floor(status))
                {
                    return Bad("forced_status must be 100..599 or null");
                }
                forced = (int)status;
            }
            var models = new List<string>();
            if (body["add_models"] is { } added)
            {
                if (added is not JsonArray list || list.Any(m => m is not JsonValue mv || !mv.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text)))
                {
                    return Bad("add_models must be a list of model names");
                }
                models.AddRange(list.Select(m => m!.GetValue<string>()));
            }
            foreach (var model in models)
            {
                control.AddHubModel(model);
            }
            if (body.ContainsKey("forced_status"))
            {
                control.HubForcedStatus = forced;
            }
            if (available is { } on)
            {
                control.HubAvailable = on;
            }
            return Ok(Hub(control));
        });
        admin.MapPost("/priority_snapshot", async (HttpContext ctx) =>
        {
            var body = await BodyAsync(ctx) ?? [];
            if (!body.ContainsKey("queued_task_count"))
            {
                control.RefreshQueuedPrioritySnapshot();
                return Ok(new JsonObject());
            }
            control.SetQueuedPrioritySnapshot(Int(body, "queued_task_count"), Gwei(body, "highest_priority_gwei"), Gwei(body, "median_priority_gwei"),
                Gwei(body, "lowest_priority_gwei"));
            return Ok(new JsonObject());
        });
        admin.MapPost("/nodes/{address}/slash", (string address) =>
            control.SlashNode(address) ? Ok(new JsonObject()) : Results.NotFound(new { message = "Node not found" }));
        admin.MapPost("/faults", async (HttpContext ctx) =>
        {
            var body = await BodyAsync(ctx) ?? [];
            if (FaultRuleJson.IsRule(body))
            {
                return FaultRuleJson.TryParse(body, out var rule, out var error)
                    ? Ok(new JsonObject { ["id"] = control.AddFault(rule) })
                    : Bad(error);
            }
            // Without route/kind the body sets the older FaultOptions knobs (fail_next, failure_rate, latency_ms).
            control.Faults = new FaultOptions
            {
                FailNextRequests = Int(body, "fail_next"),
                FailureRate = Double(body, "failure_rate"),
                FailureStatusCode = body.ContainsKey("failure_status") ? Int(body, "failure_status") : 503,
                AddedLatency = TimeSpan.FromMilliseconds(Double(body, "latency_ms")),
            };
            return Ok(new JsonObject());
        });
        admin.MapGet("/faults", () => Ok(new JsonArray([.. control.GetFaults().Select(f => (JsonNode)FaultRuleJson.From(f))])));
        admin.MapDelete("/faults", () =>
        {
            control.ClearFaults();
            return Ok(new JsonObject());
        });
        admin.MapPost("/sampling_seeds", async (HttpContext ctx) =>
        {
            var seed = (await BodyAsync(ctx))?["seed"]?.GetValue<string>();
            try
            {
                control.EnqueueSamplingSeed(Crypto.Hex.Decode(seed ?? ""));
                return Ok(new JsonObject());
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return Bad("seed must be 0x + 64 hex");
            }
        });
        admin.MapPost("/timers/run", () =>
        {
            var (aborted, started) = control.RunDueTimers();
            return Ok(new JsonObject { ["aborted"] = aborted, ["started"] = started });
        });
    }

    private static JsonObject Stats(DevnetControl control)
    {
        var requests = control.Requests;
        var byStatus = new JsonObject();
        foreach (var group in control.GetTasks().GroupBy(t => t.Status).OrderBy(g => g.Key))
        {
            byStatus[group.Key.ToString()] = group.Count();
        }
        var byRoute = new JsonObject();
        foreach (var (route, count) in requests.ByRoute.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            byRoute[route] = count;
        }
        var completed = control.GetTasks().Count(t => t.Status is RelayTaskStatus.EndSuccess or RelayTaskStatus.EndGroupSuccess);
        return new JsonObject
        {
            ["requests_total"] = requests.Total,
            ["client_requests"] = requests.ClientRequests,
            ["node_requests"] = requests.NodeRequests,
            ["faulted_requests"] = requests.FaultedRequests,
            ["requests_by_route"] = byRoute,
            ["tasks_by_status"] = byStatus,
            ["completed_tasks"] = completed,
            ["client_requests_per_completed_task"] = completed == 0 ? null : (double)requests.ClientRequests / completed,
            ["node_failed_calls"] = control.NodeFailedCalls,
        };
    }

    private static JsonObject Hub(DevnetControl control) => new()
    {
        ["available"] = control.HubAvailable,
        ["forced_status"] = control.HubForcedStatus,
        ["models"] = new JsonArray([.. control.HubModels.Select(m => (JsonNode)m)]),
    };

    private static JsonObject Node(NodeSnapshot n) => new()
    {
        ["address"] = n.Address,
        ["status"] = (int)n.Status,
        ["gpu_name"] = n.GpuName,
        ["gpu_vram"] = n.GpuVram,
        ["version"] = n.Version,
        ["qos_score"] = n.QosScore,
        ["current_task"] = n.CurrentTask,
        ["model_ids"] = new JsonArray([.. n.ModelIds.Select(m => (JsonNode)m)]),
    };

    private static NodeBehaviour Behaviour(JsonObject body) => new()
    {
        ErrorRate = Double(body, "error_rate"),
        MinExecutionDelay = TimeSpan.FromMilliseconds(Double(body, "min_delay_ms")),
        MaxExecutionDelay = TimeSpan.FromMilliseconds(Math.Max(Double(body, "min_delay_ms"), Double(body, "max_delay_ms"))),
        NeverFinish = Bool(body, "never_finish"),
        NeverUpload = Bool(body, "never_upload"),
        WrongResults = Bool(body, "wrong_results"),
        FinetuneRounds = Math.Max(1, (int)Double(body, "finetune_rounds")),
    };

    private static async Task<JsonObject?> BodyAsync(HttpContext ctx)
    {
        try
        {
            return await JsonNode.ParseAsync(ctx.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double Double(JsonObject body, string key) =>
        JsonNumbers.TryGetDouble(body[key], out var d) ? d : 0;

    private static int Int(JsonObject body, string key) => (int)Double(body, key);

    private static bool Bool(JsonObject body, string key) => body[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static IResult Ok(JsonNode body) => RelayResponses.Write(200, body);

    /// <summary>A GWei priority: a decimal string (as the Relay writes them), or null.</summary>
    private static BigInteger? Gwei(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) && s.Length is > 0 and <= 40 && s.All(char.IsAsciiDigit) =>
            BigInteger.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"{name} must be a decimal string of GWei or null"),
    };

    private static IResult Bad(string message) => RelayResponses.Write(400, new JsonObject { ["message"] = message });
}
