using System.ComponentModel;
using System.Text.Json.Serialization;

// The Responses API's shapes for /openapi.json (described, not bound: the handler parses the body by hand).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("OpenAI Responses API request. input is a string or a list of items: messages ({role, content: string or [{type:input_text,text} / {type:input_image,image_url:data:…}]}), function_call and function_call_output. parallel_tool_calls, user, safety_identifier, prompt_cache_key, service_tier, truncation, reasoning, include, text, top_logprobs, max_tool_calls and stream_options are accepted and not applied (x-crynux-ignored-parameters); background, conversation, prompt and non-function tools answer 400.")]
public sealed record ResponseRequest(
    [property: JsonPropertyName("model"), Description("e.g. Qwen/Qwen2.5-7B; GET /v1/models lists them")] string Model,
    [property: JsonPropertyName("input")] object Input,
    [property: JsonPropertyName("instructions"), Description("a system message; not carried over by previous_response_id")] string? Instructions = null,
    [property: JsonPropertyName("previous_response_id"), Description("continue a stored response of this API key")] string? PreviousResponseId = null,
    [property: JsonPropertyName("max_output_tokens")] int? MaxOutputTokens = null,
    [property: JsonPropertyName("temperature"), Description("0 to 2")] double? Temperature = null,
    [property: JsonPropertyName("top_p"), Description("0 to 1")] double? TopP = null,
    [property: JsonPropertyName("tools"), Description("[{type:function,name,description,parameters,strict}]")] object[]? Tools = null,
    [property: JsonPropertyName("tool_choice"), Description("none, auto, required, or {type:function,name}")] object? ToolChoice = null,
    [property: JsonPropertyName("store"), Description("keep the response for GET and previous_response_id (default true), for data_dir.inference_tasks_retention_days")] bool? Store = null,
    [property: JsonPropertyName("metadata"), Description("up to 16 string pairs, echoed back")] Dictionary<string, string>? Metadata = null,
    [property: JsonPropertyName("stream")] bool? Stream = null);

[Description("A response. With stream=true the answer is text/event-stream: response.created and response.in_progress at once, ': keep-alive' comments while the network works, then response.output_item.added, response.content_part.added, response.output_text.delta…, response.output_text.done, response.content_part.done, response.function_call_arguments.delta/done, response.output_item.done and response.completed (or response.failed).")]
public sealed record ResponseObject(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("created_at")] long CreatedAt,
    [property: JsonPropertyName("status"), Description("in_progress, completed, incomplete or failed")] string Status,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("output"), Description("a message item ({type:message, content:[{type:output_text,text}]}) and function_call items")] object[] Output,
    [property: JsonPropertyName("usage")] ResponseUsage? Usage,
    [property: JsonPropertyName("error")] object? Error);

public sealed record ResponseUsage(
    [property: JsonPropertyName("input_tokens")] int InputTokens,
    [property: JsonPropertyName("output_tokens")] int OutputTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);

public sealed record ResponseDeleted(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("deleted")] bool Deleted);
