using System.Globalization;
using System.Text.Json.Nodes;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Api.Admin;

/// <summary>
/// Builds the upstream bridge's task-trace object (docs/api.md, admin task traces) from a client task, its Relay tasks
/// and their recorded events, as stored in the database.
/// </summary>
public static class TaskTraceBuilder
{
    public const string SourceChat = "openai_chat_completions";
    public const string SourceCompletions = "openai_completions";

    /// <summary>Client-task kinds of the LLM trace list.</summary>
    public static readonly IReadOnlyList<string> LlmKinds = [ClientTaskKind.Chat, ClientTaskKind.Completion];

    public static JsonObject Build(ClientTaskRow task, IEnumerable<InferenceTaskRow> relayTasks, ILookup<string, TaskEventRow> events)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(relayTasks);
        ArgumentNullException.ThrowIfNull(events);
        var members = relayTasks.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToList();
        var primary = members.FirstOrDefault(m => m.IsOriginal);
        var missing = new JsonArray();
        var trace = new JsonObject
        {
            ["source"] = Source(task, primary),
            ["endpoint"] = Endpoint(task.Kind),
            ["client_id"] = task.ClientId,
        };
        if (primary is not null)
        {
            trace["model"] = primary.ModelIds is [var model, ..] ? model : null;
            trace["task_type"] = TaskTypeName(primary.TaskType);
            trace["task_type_code"] = primary.TaskType;
        }
        trace["request_time"] = Time(task.CreatedAt);
        if (task.FinishedAt is { } finished)
        {
            trace["response_time"] = Time(finished);
            trace["duration_seconds"] = Math.Round((finished - task.CreatedAt) / 1000.0, 3);
        }
        else
        {
            missing.Add(Missing("api_response", "response_time", "api_call_not_finished"));
        }
        if (task.Error is { } error)
        {
            trace["error"] = error;
        }
        // The bridge keeps the Relay task's arguments, not the HTTP request as sent.
        missing.Add(Missing("api_request", "request", "request_not_stored"));
        trace["primary_task_id_commitment"] = primary?.TaskIdCommitment;
        if (task.ResultTaskId is { } resultId && members.FirstOrDefault(m => m.Id == resultId) is { } final)
        {
            trace["final_task_id_commitment"] = final.TaskIdCommitment;
        }
        var parallel = new JsonArray();
        foreach (var member in members)
        {
            parallel.Add(Member(task, member, primary, events[member.TaskIdCommitment].ToList(), missing));
        }
        trace["parallel_tasks"] = parallel;
        var groups = new JsonArray();
        foreach (var group in members.Where(m => m.GroupId is not null).GroupBy(m => m.GroupId!.Value))
        {
            var tasks = new JsonArray();
            foreach (var member in group)
            {
                tasks.Add(new JsonObject
                {
                    ["local_id"] = member.Id,
                    ["task_id_commitment"] = member.TaskIdCommitment,
                    ["role"] = Role(member, primary),
                    ["status"] = StatusName((InferenceStatus)member.Status),
                });
            }
            groups.Add(new JsonObject { ["task_id"] = group.First().TaskId, ["tasks"] = tasks });
        }
        trace["validation_groups"] = groups;
        trace["missing_data"] = missing;
        // Additions to the upstream shape: the bridge's own ids of the request.
        trace["public_id"] = task.PublicId;
        trace["status"] = task.Status;
        return trace;
    }

    private static JsonObject Member(ClientTaskRow task, InferenceTaskRow member, InferenceTaskRow? primary, List<TaskEventRow> events, JsonArray missing)
    {
        var node = new JsonObject
        {
            ["local_id"] = member.Id,
            ["client_task_id"] = task.Id,
            ["task_id"] = member.TaskId,
        };
        var submitted = member.Stage > (int)TaskStage.Pending || events.Count > 0;
        if (submitted)
        {
            node["task_id_commitment"] = member.TaskIdCommitment;
        }
        else
        {
            missing.Add(Missing("task", "task_id_commitment", "task_not_submitted_to_relay"));
        }
        node["role"] = Role(member, primary);
        node["task_type"] = TaskTypeName(member.TaskType);
        node["task_type_code"] = member.TaskType;
        node["status"] = StatusName((InferenceStatus)member.Status);
        node["status_code"] = member.Status;
        node["created_at"] = Time(member.CreatedAt);
        node["updated_at"] = Time(member.UpdatedAt);
        if (member.Sequence > 0)
        {
            node["sequence"] = member.Sequence;
        }
        if (member.SelectedNode.Length > 0)
        {
            node["selected_node"] = member.SelectedNode;
        }
        node["task_fee"] = member.TaskFee;
        var list = new JsonArray();
        foreach (var e in events)
        {
            var item = new JsonObject
            {
                ["name"] = e.Name,
                ["timestamp"] = Time(e.CreatedAt),
                ["task_status"] = StatusName((InferenceStatus)e.TaskStatus),
                ["task_status_code"] = e.TaskStatus,
            };
            if (e.Details is { } details)
            {
                item["details"] = details;
            }
            list.Add(item);
        }
        if (events.Count == 0)
        {
            missing.Add(Missing("task_lifecycle", "events", "no_worker_event_recorded"));
        }
        node["events"] = list;
        return node;
    }

    private static JsonObject Missing(string step, string field, string reason) => new() { ["step"] = step, ["field"] = field, ["reason"] = reason };

    /// <summary>The first original is the primary; validation members are "validation"; any further original is a "retry".</summary>
    public static string Role(InferenceTaskRow member, InferenceTaskRow? primary) =>
        member.IsValidation != 0 ? "validation" : primary is null || primary.Id == member.Id ? "primary" : "retry";

    public static string Source(ClientTaskRow task, InferenceTaskRow? primary) => task.Kind switch
    {
        ClientTaskKind.Chat => SourceChat,
        ClientTaskKind.Completion => SourceCompletions,
        ClientTaskKind.Image => "image_generation",
        _ when primary?.Type == TaskType.StableDiffusionFinetune => "image_finetune",
        _ => "direct_inference_task",
    };

    /// <summary>The route family of the request (the bridge does not store which of its aliases was called).</summary>
    public static string Endpoint(string kind) => kind switch
    {
        ClientTaskKind.Chat => "/v1/llm/chat/completions",
        ClientTaskKind.Completion => "/v1/llm/completions",
        ClientTaskKind.Image => "/v1/sd/images/generations",
        _ => "/v1/inference_tasks",
    };

    public static string TaskTypeName(int taskType) => taskType switch
    {
        0 => "sd",
        1 => "llm",
        2 => "sd_finetune_lora",
        _ => taskType.ToString(CultureInfo.InvariantCulture),
    };

    public static string StatusName(InferenceStatus status) => status switch
    {
        InferenceStatus.Pending => "pending",
        InferenceStatus.Created => "created",
        InferenceStatus.Started => "started",
        InferenceStatus.ParamsUploaded => "params_uploaded",
        InferenceStatus.ScoreReady => "score_ready",
        InferenceStatus.ErrorReported => "error_reported",
        InferenceStatus.Validated => "validated",
        InferenceStatus.EndAborted => "end_aborted",
        InferenceStatus.EndGroupRefund => "end_group_refund",
        InferenceStatus.EndInvalidated => "end_invalidated",
        InferenceStatus.EndSuccess => "end_success",
        InferenceStatus.ResultDownloaded => "result_downloaded",
        _ => ((int)status).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>RFC 3339 in UTC with milliseconds.</summary>
    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
