using System.Globalization;
using System.Text.Json.Nodes;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Api.Admin;

/// <summary>
/// The upstream bridge's admin task traces (<c>/v1/admin/tasks</c>, <c>/v1/admin/llm/tasks</c> and their <c>/trace</c>),
/// built from the database: they survive restarts and read the same on every instance. Only the newest
/// <c>admin.task_trace_max_tasks</c> client tasks are traced, as upstream keeps that many in memory.
/// </summary>
public static class TaskTraceEndpoints
{
    private const int DefaultLimit = 50;

    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/v1/admin").WithTags("Admin").AddEndpointFilter(TraceAuth.QueryTokenFilter).AddEndpointFilter(NativeErrors.Filter);
        admin.MapGet("/tasks", (HttpContext http, TraceReads reads, BridgeOptions options) => ListAsync(http, reads, options, llm: false))
            .Produces<Schemas.TaskTraceListEnvelope>().WithSummary("Task traces, newest first (admin token in ?auth=)");
        admin.MapGet("/tasks/{task_id}/trace", (string task_id, HttpContext http, TraceReads reads, BridgeOptions options) => TraceAsync(task_id, http, reads, options, llm: false))
            .Produces<Schemas.TaskTraceEnvelope>().WithSummary("The trace of the request a task belongs to (admin token in ?auth=)");
        admin.MapGet("/llm/tasks", (HttpContext http, TraceReads reads, BridgeOptions options) => ListAsync(http, reads, options, llm: true))
            .Produces<Schemas.TaskTraceListEnvelope>().WithSummary("Traces of chat and completion requests, newest first (admin token in ?auth=)");
        admin.MapGet("/llm/tasks/{task_id}/trace", (string task_id, HttpContext http, TraceReads reads, BridgeOptions options) => TraceAsync(task_id, http, reads, options, llm: true))
            .Produces<Schemas.TaskTraceEnvelope>().WithSummary("The trace of a chat or completion request (admin token in ?auth=)");
    }

    private static async Task<IResult> ListAsync(HttpContext http, TraceReads reads, BridgeOptions options, bool llm)
    {
        var text = http.Request.Query["limit"].ToString();
        var limit = DefaultLimit;
        if (text.Length > 0)
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var asked))
            {
                throw new ProblemException(Problem.BadRequest("limit", "limit must be an integer"));
            }
            limit = asked <= 0 ? DefaultLimit : asked;
        }
        var keep = options.Admin.TaskTraceMaxTasks;
        if (keep == 0)
        {
            return Success(new JsonArray());
        }
        var ct = http.RequestAborted;
        var floor = await reads.TraceFloorAsync(keep, ct);
        var tasks = await reads.ListAsync(new TaskFilter(MinId: floor, Kinds: llm ? TaskTraceBuilder.LlmKinds : null), Math.Min(limit, keep), 0, ct);
        return Success(new JsonArray([.. await BuildAsync(reads, tasks, ct)]));
    }

    private static async Task<IResult> TraceAsync(string taskId, HttpContext http, TraceReads reads, BridgeOptions options, bool llm)
    {
        var ct = http.RequestAborted;
        var keep = options.Admin.TaskTraceMaxTasks;
        var task = taskId.Length is > 0 and <= 66 && keep > 0 ? await reads.FindAsync(taskId, ct) : null;
        if (task is null || task.Id < await reads.TraceFloorAsync(keep, ct))
        {
            throw new ProblemException(Problem.BadRequest("task_id", "task trace not found"));
        }
        if (llm && !TaskTraceBuilder.LlmKinds.Contains(task.Kind))
        {
            throw new ProblemException(Problem.BadRequest("task_id", "OpenAI LLM task trace not found"));
        }
        var traces = await BuildAsync(reads, [task], ct);
        return Success(traces[0]);
    }

    /// <summary>Traces of a page of client tasks: their Relay tasks and events in two queries.</summary>
    public static async Task<List<JsonObject>> BuildAsync(TraceReads reads, IReadOnlyList<ClientTaskRow> tasks, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reads);
        ArgumentNullException.ThrowIfNull(tasks);
        var ids = tasks.Select(t => t.Id).ToList();
        var members = await reads.MembersAsync(ids, ct);
        var events = await reads.EventsAsync(ids, ct);
        return [.. tasks.Select(task => TaskTraceBuilder.Build(task, members[task.Id], events))];
    }

    private static IResult Success(JsonNode data) => Results.Json(new JsonObject { ["message"] = "success", ["data"] = data });
}
