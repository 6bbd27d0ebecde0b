using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the admin task traces and the console API for /openapi.json (the routes write JSON nodes; these document them).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

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
