using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Crynux.Bridge.Data;
using Crynux.Bridge.Pricing;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Api.Admin;

/// <summary>
/// The operator console's API (the page is /static/console.html): sign-in with a root signature, the overview's
/// series, the task list with filters and a request's trace. Admin token or console session (see <see cref="ConsoleAuth"/>).
/// </summary>
public static class ConsoleEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var console = app.MapGroup("/v1/admin/console").WithTags("Admin");
        console.MapPost("/session", SessionAsync).AddEndpointFilter(NativeErrors.Filter)
            .Accepts<Schemas.ConsoleSessionRequest>("application/json").Produces<Schemas.ConsoleSessionEnvelope>()
            .WithSummary("Console sign-in: a root-signed {\"action\":\"console_session\"} gives a session token");
        var guarded = console.MapGroup("").AddEndpointFilter(ConsoleAuth.Filter).AddEndpointFilter(NativeErrors.Filter);
        guarded.MapGet("/overview", OverviewAsync).Produces<Schemas.ConsoleOverviewEnvelope>().WithSummary("Outcomes, times to result, fees paid, Relay balance and open tasks over the last hour or day");
        guarded.MapGet("/tasks", TasksAsync).Produces<Schemas.ConsoleTaskPageEnvelope>().WithSummary("Client tasks, newest first, filtered by key, client, status, model and time");
        guarded.MapGet("/tasks/{task_id}/trace", TraceAsync).Produces<Schemas.TaskTraceEnvelope>().WithSummary("The trace of the request a task belongs to");
    }

    private static async Task<IResult> SessionAsync(HttpContext http, ApiKeyRuntime rt, ConsoleSessions sessions)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request);
        await rt.Signatures.VerifyAsync(new JsonObject { ["action"] = "console_session" }, body, http.Request, [rt.Root]);
        var (token, expires) = sessions.Issue();
        return Success(new JsonObject { ["token"] = token, ["expires_at"] = expires.ToUnixTimeSeconds() });
    }

    private static async Task<IResult> OverviewAsync(HttpContext http, ConsoleStats stats, RelayClient relay, TimeProvider time)
    {
        var window = http.Request.Query["window"].ToString();
        var (span, bucket, spendBucket) = window switch
        {
            "" or "hour" => (TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)),
            "day" => (TimeSpan.FromDays(1), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)),
            _ => throw new ProblemException(Problem.BadRequest("window", "window must be hour or day")),
        };
        var ct = http.RequestAborted;
        var bucketMs = (long)bucket.TotalMilliseconds;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Whole buckets, the last one holding now.
        var to = (now / bucketMs + 1) * bucketMs;
        var from = to - (long)span.TotalMilliseconds;
        var count = (int)(span / bucket);

        var success = new long[count];
        var failed = new long[count];
        foreach (var (index, status, n) in await stats.OutcomesAsync(from, to, bucketMs, ct))
        {
            if (index >= 0 && index < count)
            {
                (status == ClientTaskStatus.Success ? success : failed)[index] += n;
            }
        }
        var durations = await stats.SuccessDurationsAsync(from, to, ct);
        var perBucket = durations.GroupBy(d => (int)((d.FinishedAt - from) / bucketMs)).ToDictionary(g => g.Key, g => g.Select(d => d.Took).Order().ToList());
        var p50 = new JsonArray();
        var p95 = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var sorted = perBucket.GetValueOrDefault(i);
            p50.Add(Seconds(Percentile(sorted, 0.50)));
            p95.Add(Seconds(Percentile(sorted, 0.95)));
        }
        var all = durations.Select(d => d.Took).Order().ToList();

        var spendBucketMs = (long)spendBucket.TotalMilliseconds;
        var spendCount = (int)(span / spendBucket);
        var spendFrom = to - spendCount * spendBucketMs;
        var spent = new BigInteger[spendCount];
        var spentTotal = BigInteger.Zero;
        foreach (var (finishedAt, feeWei) in await stats.PaidFeesAsync(spendFrom, to, ct))
        {
            var index = (int)((finishedAt - spendFrom) / spendBucketMs);
            if (index >= 0 && index < spendCount && BigInteger.TryParse(feeWei, NumberStyles.None, CultureInfo.InvariantCulture, out var wei))
            {
                spent[index] += wei;
                spentTotal += wei;
            }
        }

        var open = new JsonObject();
        foreach (var stage in Enum.GetValues<TaskStage>().Where(s => s < TaskStage.Finished))
        {
            open[StageName(stage)] = 0L;
        }
        foreach (var (stage, n) in await stats.OpenByStageAsync(ct))
        {
            open[StageName((TaskStage)stage)] = n;
        }
        var admitted = await stats.AdmittedAsync(from, to, ct);

        var data = new JsonObject
        {
            ["window"] = window.Length == 0 ? "hour" : window,
            ["from"] = from / 1000,
            ["to"] = to / 1000,
            ["bucket_seconds"] = (long)bucket.TotalSeconds,
            ["outcomes"] = new JsonObject
            {
                ["times"] = Times(from, bucketMs, count),
                ["success"] = new JsonArray([.. success.Select(n => (JsonNode)n)]),
                ["failed"] = new JsonArray([.. failed.Select(n => (JsonNode)n)]),
            },
            ["time_to_result"] = new JsonObject
            {
                ["times"] = Times(from, bucketMs, count),
                ["p50_seconds"] = p50,
                ["p95_seconds"] = p95,
                ["overall_p50_seconds"] = Seconds(Percentile(all, 0.50)),
                ["overall_p95_seconds"] = Seconds(Percentile(all, 0.95)),
                ["successes"] = all.Count,
            },
            ["spend"] = new JsonObject
            {
                ["bucket_seconds"] = (long)spendBucket.TotalSeconds,
                ["times"] = Times(spendFrom, spendBucketMs, spendCount),
                // Per bucket, scaled to CNX per hour so that both windows read alike.
                ["cnx_per_hour"] = new JsonArray([.. spent.Select(w => (JsonNode)(double.Parse(Fees.WeiToCnx(w), CultureInfo.InvariantCulture) * 3600 / spendBucket.TotalSeconds))]),
                ["total_cnx"] = Fees.WeiToCnx(spentTotal),
            },
            ["totals"] = new JsonObject
            {
                ["admitted"] = admitted.Sum(a => a.Count),
                ["success"] = admitted.Where(a => a.Status == ClientTaskStatus.Success).Sum(a => a.Count),
                ["failed"] = admitted.Where(a => a.Status == ClientTaskStatus.Failed).Sum(a => a.Count),
                ["running"] = admitted.Where(a => a.Status == ClientTaskStatus.Running).Sum(a => a.Count),
            },
            ["open_tasks_by_stage"] = open,
        };
        try
        {
            data["relay_balance_cnx"] = Fees.WeiToCnx(await relay.GetBalanceAsync(ct));
        }
        catch (RelayException e)
        {
            data["relay_balance_cnx"] = null;
            data["relay_balance_error"] = e.Message;
        }
        return Success(data);
    }

    private static async Task<IResult> TasksAsync(HttpContext http, TraceReads reads)
    {
        var (filter, limit, offset) = ConsoleQuery.Parse(http.Request.Query);
        var ct = http.RequestAborted;
        var tasks = await reads.ListAsync(filter, limit + 1, offset, ct);
        var more = tasks.Count > limit;
        if (more)
        {
            tasks.RemoveAt(tasks.Count - 1);
        }
        var members = await reads.MembersAsync([.. tasks.Select(t => t.Id)], ct);
        var list = new JsonArray();
        foreach (var task in tasks)
        {
            var relayTasks = members[task.Id].ToList();
            var primary = relayTasks.FirstOrDefault(m => m.IsOriginal);
            var paid = relayTasks.Where(m => m.Status is (int)InferenceStatus.Validated or (int)InferenceStatus.EndInvalidated
                or (int)InferenceStatus.EndSuccess or (int)InferenceStatus.ResultDownloaded)
                .Aggregate(BigInteger.Zero, (sum, m) => sum + (BigInteger.TryParse(m.TaskFee, NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : 0));
            list.Add(new JsonObject
            {
                ["id"] = task.Id,
                ["public_id"] = task.PublicId,
                ["task_id"] = primary?.TaskId,
                ["client_id"] = task.ClientId,
                ["key_id"] = task.ApiKeyId,
                ["kind"] = task.Kind,
                ["source"] = TaskTraceBuilder.Source(task, primary),
                ["status"] = task.Status,
                ["model"] = primary is { ModelIds: [var model, ..] } ? model : null,
                ["task_type"] = primary is null ? null : TaskTraceBuilder.TaskTypeName(primary.TaskType),
                ["relay_tasks"] = relayTasks.Count,
                ["validated_in_group"] = relayTasks.Any(m => m.IsValidation != 0),
                ["created_at"] = task.CreatedAt / 1000,
                ["finished_at"] = task.FinishedAt is { } f ? f / 1000 : null,
                ["duration_seconds"] = task.FinishedAt is { } end ? Math.Round((end - task.CreatedAt) / 1000.0, 3) : null,
                ["paid_cnx"] = Fees.WeiToCnx(paid),
                ["error"] = task.Error,
            });
        }
        return Success(new JsonObject { ["tasks"] = list, ["limit"] = limit, ["offset"] = offset, ["has_more"] = more });
    }

    private static async Task<IResult> TraceAsync(string task_id, HttpContext http, TraceReads reads)
    {
        var task = task_id.Length is > 0 and <= 66 ? await reads.FindAsync(task_id, http.RequestAborted) : null;
        if (task is null)
        {
            throw new ProblemException(Problem.BadRequest("task_id", "task trace not found"));
        }
        var traces = await TaskTraceEndpoints.BuildAsync(reads, [task], http.RequestAborted);
        return Success(traces[0]);
    }

    private static string StageName(TaskStage stage) => stage switch
    {
        TaskStage.Pending => "pending",
        TaskStage.Created => "queued",
        TaskStage.Running => "running",
        TaskStage.Scored => "scored",
        TaskStage.Validated => "validated",
        TaskStage.Succeeded => "downloading",
        _ => stage.ToString().ToLowerInvariant(),
    };

    private static JsonArray Times(long from, long bucketMs, int count) => new([.. Enumerable.Range(0, count).Select(i => (JsonNode)((from + i * bucketMs) / 1000))]);

    /// <summary>Nearest-rank percentile of sorted values; null when there are none.</summary>
    private static long? Percentile(List<long>? sorted, double p)
    {
        if (sorted is null || sorted.Count == 0)
        {
            return null;
        }
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static JsonValue? Seconds(long? ms) => ms is { } v ? JsonValue.Create(Math.Round(v / 1000.0, 3)) : null;

    private static IResult Success(JsonNode data) => Results.Json(new JsonObject { ["message"] = "success", ["data"] = data });
}
