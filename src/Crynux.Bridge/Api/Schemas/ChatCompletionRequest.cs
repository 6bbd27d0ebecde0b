using System.ComponentModel;
using System.Text.Json.Serialization;

// The request and response shapes for /openapi.json. The handlers parse bodies by hand (to name the offending field in
// every error), so these records exist to describe the wire format; they are not used to bind requests.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("OpenAI chat completion request. frequency_penalty, presence_penalty, logit_bias, logprobs, response_format and user are accepted, checked and not applied (listed in the x-crynux-ignored-parameters response header).")]
public sealed record ChatCompletionRequest(
    [property: JsonPropertyName("model"), Description("e.g. Qwen/Qwen2.5-7B; GET /v1/models lists them")] string Model,
    [property: JsonPropertyName("messages")] ChatMessage[] Messages,
    [property: JsonPropertyName("temperature"), Description("0 to 2; 0 is greedy decoding")] double? Temperature = null,
    [property: JsonPropertyName("max_tokens"), Description("1 or more; default task.default_llm_max_completion_tokens")] int? MaxTokens = null,
    [property: JsonPropertyName("max_completion_tokens"), Description("wins over max_tokens")] int? MaxCompletionTokens = null,
    [property: JsonPropertyName("top_p"), Description("0 to 1")] double? TopP = null,
    [property: JsonPropertyName("top_k"), Description("1 or more")] int? TopK = null,
    [property: JsonPropertyName("min_p"), Description("0 to 1")] double? MinP = null,
    [property: JsonPropertyName("repetition_penalty"), Description("above 0, up to 2")] double? RepetitionPenalty = null,
    [property: JsonPropertyName("frequency_penalty"), Description("-2 to 2 (not applied by the network)")] double? FrequencyPenalty = null,
    [property: JsonPropertyName("presence_penalty"), Description("-2 to 2 (not applied by the network)")] double? PresencePenalty = null,
    [property: JsonPropertyName("seed"), Description("same seed, same answer")] long? Seed = null,
    [property: JsonPropertyName("n"), Description("1 to 8, default 1")] int? N = null,
    [property: JsonPropertyName("stream")] bool? Stream = null,
    [property: JsonPropertyName("stream_options")] StreamOptions? StreamOptions = null,
    [property: JsonPropertyName("stop"), Description("a string or up to 4 strings")] object? Stop = null,
    [property: JsonPropertyName("tools"), Description("[{type:function,function:{name,description,parameters}}]")] object[]? Tools = null,
    [property: JsonPropertyName("tool_choice"), Description("none, auto, required, or {type:function,function:{name}}")] object? ToolChoice = null,
    [property: JsonPropertyName("vram_limit"), Description("minimum GPU memory in GB, default 24")] int? VramLimit = null);
