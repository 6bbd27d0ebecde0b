using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of today's raw-task contract for /openapi.json (not used to bind requests; see OpenApiSchemas.cs).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("A client task as today's clients read it: client_id is the client's number.")]
public sealed record NumberedClientTask(
    [property: JsonPropertyName("id"), Description("the client_task_id of the read routes")] long Id,
    [property: JsonPropertyName("client_id"), Description("the client's number")] long ClientId,
    [property: JsonPropertyName("status"), Description("running, success or failed")] string Status,
    [property: JsonPropertyName("failed_count")] int FailedCount,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

public sealed record NumberedClientTaskEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] NumberedClientTask Data);

public sealed record RawTaskBatchRequest(
    [property: JsonPropertyName("tasks"), Description("1 to 100 bodies of POST /v1/inference_tasks")] RawTaskRequest[] Tasks);

[Description("One item's outcome: client_task when it was created, else error (\"<field>: <message>\").")]
public sealed record RawTaskBatchItem(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("client_task")] NumberedClientTask? ClientTask = null,
    [property: JsonPropertyName("error")] string? Error = null);

public sealed record RawTaskBatchEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] RawTaskBatchItem[] Data);

public sealed record RawTaskStatusRequest(
    [property: JsonPropertyName("client_task_ids"), Description("1 to 100 client task ids; answered in this order, duplicates included")] long[] ClientTaskIds);

public sealed record RawTaskStatusItem(
    [property: JsonPropertyName("client_task_id")] long ClientTaskId,
    [property: JsonPropertyName("client_task")] NumberedClientTask? ClientTask = null,
    [property: JsonPropertyName("error")] string? Error = null);

public sealed record RawTaskStatusEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] RawTaskStatusItem[] Data);

public sealed record OpenRouterPricing(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("completion")] string Completion,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("request")] string Request);

[Description("A model of openrouter.models_file. Pricing is sent twice: as \"Pricing\" (the upstream bridge's spelling) and \"pricing\".")]
public sealed record OpenRouterModel(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("context_length")] long ContextLength,
    [property: JsonPropertyName("max_completion_tokens")] long MaxCompletionTokens,
    [property: JsonPropertyName("quantization")] string Quantization,
    [property: JsonPropertyName("pricing")] OpenRouterPricing Pricing,
    [property: JsonPropertyName("description")] string? Description = null);

public sealed record OpenRouterModelList(
    [property: JsonPropertyName("data")] OpenRouterModel[] Data);
