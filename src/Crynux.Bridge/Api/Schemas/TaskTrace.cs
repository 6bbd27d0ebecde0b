using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the admin task traces and the console API for /openapi.json (the routes write JSON nodes; these document them).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

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
