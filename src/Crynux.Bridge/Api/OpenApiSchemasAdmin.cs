using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the admin task traces and the console API for /openapi.json (the routes write JSON nodes; these document them).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("One recorded event of a Relay task; each name at most once per task and status.")]
public sealed record TraceEvent(
    [property: JsonPropertyName("name"), Description("relay_task_create_submitted, relay_task_created, task_started, score_ready, validation_passed, task_aborted, result_downloaded, …")] string Name,
    [property: JsonPropertyName("timestamp"), Description("RFC 3339, UTC, milliseconds")] string Timestamp,
    [property: JsonPropertyName("task_status"), Description("the task's status name when the event was recorded")] string TaskStatus,
    [property: JsonPropertyName("task_status_code")] int TaskStatusCode,
    [property: JsonPropertyName("details")] string? Details = null);

[Description("One Relay task of a request (primary, validation or retry).")]
public sealed record TraceTask(
    [property: JsonPropertyName("local_id")] long LocalId,
    [property: JsonPropertyName("client_task_id")] long ClientTaskId,
    [property: JsonPropertyName("task_id"), Description("0x + 64 hex; shared by a validation group's members")] string TaskId,
    [property: JsonPropertyName("role"), Description("primary, validation or retry")] string Role,
    [property: JsonPropertyName("task_type"), Description("sd, llm or sd_finetune_lora")] string TaskType,
    [property: JsonPropertyName("task_type_code")] int TaskTypeCode,
    [property: JsonPropertyName("status"), Description("pending, created, started, params_uploaded, score_ready, error_reported, validated, end_aborted, end_group_refund, end_invalidated, end_success, result_downloaded")] string Status,
    [property: JsonPropertyName("status_code")] int StatusCode,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("events")] TraceEvent[] Events,
    [property: JsonPropertyName("task_id_commitment"), Description("absent while the task was never sent to the Relay")] string? TaskIdCommitment = null,
    [property: JsonPropertyName("sequence")] long? Sequence = null);

public sealed record TraceGroup(
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("tasks")] TraceGroupMember[] Tasks);

public sealed record TraceGroupMember(
    [property: JsonPropertyName("local_id")] long LocalId,
    [property: JsonPropertyName("task_id_commitment")] string TaskIdCommitment,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("status")] string Status);

public sealed record TraceMissing(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("reason")] string Reason);

[Description("What a request went through: the upstream bridge's task trace, built from the database.")]
public sealed record TaskTrace(
    [property: JsonPropertyName("source"), Description("openai_chat_completions, openai_completions, direct_inference_task, image_generation or image_finetune")] string Source,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("request_time")] string RequestTime,
    [property: JsonPropertyName("parallel_tasks")] TraceTask[] ParallelTasks,
    [property: JsonPropertyName("validation_groups")] TraceGroup[] ValidationGroups,
    [property: JsonPropertyName("missing_data")] TraceMissing[] MissingData,
    [property: JsonPropertyName("primary_task_id_commitment")] string? PrimaryTaskIdCommitment = null,
    [property: JsonPropertyName("final_task_id_commitment")] string? FinalTaskIdCommitment = null,
    [property: JsonPropertyName("model")] string? Model = null,
    [property: JsonPropertyName("task_type")] string? TaskType = null,
    [property: JsonPropertyName("task_type_code")] int? TaskTypeCode = null,
    [property: JsonPropertyName("response_time")] string? ResponseTime = null,
    [property: JsonPropertyName("duration_seconds")] double? DurationSeconds = null,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("public_id"), Description("the bridge's public id of the request")] string? PublicId = null,
    [property: JsonPropertyName("status"), Description("running, success or failed")] string? Status = null);

public sealed record TaskTraceEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] TaskTrace Data);

public sealed record TaskTraceListEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] TaskTrace[] Data);

[Description("A client task in the console's list.")]
public sealed record ConsoleTask(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("public_id")] string PublicId,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("kind"), Description("chat, completion, image or raw")] string Kind,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("relay_tasks")] int RelayTasks,
    [property: JsonPropertyName("validated_in_group")] bool ValidatedInGroup,
    [property: JsonPropertyName("created_at"), Description("unix seconds")] long CreatedAt,
    [property: JsonPropertyName("paid_cnx"), Description("fees of its Relay tasks that were paid (not aborted or refunded)")] string PaidCnx,
    [property: JsonPropertyName("task_id")] string? TaskId = null,
    [property: JsonPropertyName("key_id")] long? KeyId = null,
    [property: JsonPropertyName("model")] string? Model = null,
    [property: JsonPropertyName("task_type")] string? TaskType = null,
    [property: JsonPropertyName("finished_at")] long? FinishedAt = null,
    [property: JsonPropertyName("duration_seconds")] double? DurationSeconds = null,
    [property: JsonPropertyName("error")] string? Error = null);

public sealed record ConsoleTaskPage(
    [property: JsonPropertyName("tasks")] ConsoleTask[] Tasks,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("has_more")] bool HasMore);

public sealed record ConsoleTaskPageEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] ConsoleTaskPage Data);

public sealed record ConsoleSeries(
    [property: JsonPropertyName("times"), Description("bucket starts, unix seconds")] long[] Times,
    [property: JsonPropertyName("success")] long[]? Success = null,
    [property: JsonPropertyName("failed")] long[]? Failed = null,
    [property: JsonPropertyName("p50_seconds")] double?[]? P50Seconds = null,
    [property: JsonPropertyName("p95_seconds")] double?[]? P95Seconds = null,
    [property: JsonPropertyName("overall_p50_seconds")] double? OverallP50Seconds = null,
    [property: JsonPropertyName("overall_p95_seconds")] double? OverallP95Seconds = null,
    [property: JsonPropertyName("successes")] int? Successes = null,
    [property: JsonPropertyName("bucket_seconds")] long? BucketSeconds = null,
    [property: JsonPropertyName("cnx_per_hour")] double[]? CnxPerHour = null,
    [property: JsonPropertyName("total_cnx")] string? TotalCnx = null);

public sealed record ConsoleTotals(
    [property: JsonPropertyName("admitted")] long Admitted,
    [property: JsonPropertyName("success")] long Success,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("running")] long Running);

[Description("The console overview over the last hour (1-minute buckets) or day (15-minute buckets; spend per hour).")]
public sealed record ConsoleOverview(
    [property: JsonPropertyName("window")] string Window,
    [property: JsonPropertyName("from")] long From,
    [property: JsonPropertyName("to")] long To,
    [property: JsonPropertyName("bucket_seconds")] long BucketSeconds,
    [property: JsonPropertyName("outcomes"), Description("client tasks ended per bucket")] ConsoleSeries Outcomes,
    [property: JsonPropertyName("time_to_result")] ConsoleSeries TimeToResult,
    [property: JsonPropertyName("spend")] ConsoleSeries Spend,
    [property: JsonPropertyName("totals"), Description("client tasks admitted in the window, by status now")] ConsoleTotals Totals,
    [property: JsonPropertyName("open_tasks_by_stage"), Description("pending, queued, running, scored, validated, downloading")] Dictionary<string, long> OpenTasksByStage,
    [property: JsonPropertyName("relay_balance_cnx"), Description("null when the Relay did not answer (relay_balance_error says why)")] string? RelayBalanceCnx = null,
    [property: JsonPropertyName("relay_balance_error")] string? RelayBalanceError = null);

public sealed record ConsoleOverviewEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] ConsoleOverview Data);

public sealed record ConsoleSessionRequest(
    [property: JsonPropertyName("timestamp"), Description("unix seconds")] long Timestamp,
    [property: JsonPropertyName("signature"), Description("root signature of {\"action\":\"console_session\"} + timestamp (docs/api.md §5)")] string Signature);

public sealed record ConsoleSession(
    [property: JsonPropertyName("token"), Description("send as Authorization: Bearer on the console routes")] string Token,
    [property: JsonPropertyName("expires_at"), Description("unix seconds")] long ExpiresAt);

public sealed record ConsoleSessionEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] ConsoleSession Data);
