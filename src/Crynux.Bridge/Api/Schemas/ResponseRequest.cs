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
