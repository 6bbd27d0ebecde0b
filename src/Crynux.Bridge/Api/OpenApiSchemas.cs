using System.ComponentModel;
using System.Text.Json.Serialization;

// The request and response shapes for /openapi.json. The handlers parse bodies by hand (to name the offending field in
// every error), so these records exist to describe the wire format; they are not used to bind requests.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("A chat message. content is a string, an array of parts ({type:text,text} / {type:image_url,image_url:{url:data:…}}), or null on an assistant message with tool_calls.")]
public sealed record ChatMessage(
    [property: JsonPropertyName("role"), Description("system, developer (sent as system), user, assistant or tool")] string Role,
    [property: JsonPropertyName("content")] object? Content,
    [property: JsonPropertyName("tool_calls")] ToolCall[]? ToolCalls = null,
    [property: JsonPropertyName("tool_call_id"), Description("required on tool messages")] string? ToolCallId = null);

public sealed record ToolCall(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("function")] FunctionCall Function);

public sealed record FunctionCall(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("arguments"), Description("a JSON object, as a string")] string Arguments);

public sealed record StreamOptions([property: JsonPropertyName("include_usage")] bool IncludeUsage);

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

public sealed record Usage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);

public sealed record AssistantMessage(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string? Content,
    [property: JsonPropertyName("tool_calls")] ToolCall[]? ToolCalls);

public sealed record ChatChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] AssistantMessage Message,
    [property: JsonPropertyName("finish_reason"), Description("stop, length or tool_calls")] string FinishReason,
    [property: JsonPropertyName("logprobs")] object? Logprobs);

[Description("With stream=true the answer is text/event-stream instead: chat.completion.chunk frames, a usage frame when stream_options.include_usage, then data: [DONE]; ': keep-alive' comments while the network works.")]
public sealed record ChatCompletion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] ChatChoice[] Choices,
    [property: JsonPropertyName("usage")] Usage Usage);

public sealed record CompletionRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("prompt"), Description("a string (or an array of one string)")] object Prompt,
    [property: JsonPropertyName("temperature")] double? Temperature = null,
    [property: JsonPropertyName("max_tokens")] int? MaxTokens = null,
    [property: JsonPropertyName("top_p")] double? TopP = null,
    [property: JsonPropertyName("top_k")] int? TopK = null,
    [property: JsonPropertyName("min_p")] double? MinP = null,
    [property: JsonPropertyName("repetition_penalty")] double? RepetitionPenalty = null,
    [property: JsonPropertyName("seed")] long? Seed = null,
    [property: JsonPropertyName("n")] int? N = null,
    [property: JsonPropertyName("stream")] bool? Stream = null,
    [property: JsonPropertyName("stream_options")] StreamOptions? StreamOptions = null,
    [property: JsonPropertyName("stop")] object? Stop = null);

public sealed record CompletionChoice(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("logprobs")] object? Logprobs,
    [property: JsonPropertyName("finish_reason")] string FinishReason);

public sealed record Completion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] CompletionChoice[] Choices,
    [property: JsonPropertyName("usage")] Usage Usage);

[Description("OpenAI image generation request; quality, style, background, moderation and user are accepted and not applied.")]
public sealed record ImageRequest(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("model"), Description("default crynux-ai/sdxl-turbo; also crynux-ai/stable-diffusion-v1-5, crynux-ai/stable-diffusion-xl-base-1.0")] string? Model = null,
    [property: JsonPropertyName("n"), Description("1 to 10, default 1")] int? N = null,
    [property: JsonPropertyName("size"), Description("WIDTHxHEIGHT, sides multiples of 8 from 128 to the model's limit (1024 for SD 1.5, 2048 for SDXL); default 512x512")] string? Size = null,
    [property: JsonPropertyName("response_format"), Description("b64_json (default) or url")] string? ResponseFormat = null,
    [property: JsonPropertyName("output_format"), Description("png")] string? OutputFormat = null,
    [property: JsonPropertyName("negative_prompt")] string? NegativePrompt = null,
    [property: JsonPropertyName("seed"), Description("0 to 2^31-1; random when absent")] long? Seed = null);

public sealed record ImageData(
    [property: JsonPropertyName("b64_json")] string? B64Json,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("revised_prompt")] string RevisedPrompt);

public sealed record ImagesResponse(
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("data")] ImageData[] Data,
    [property: JsonPropertyName("output_format")] string OutputFormat,
    [property: JsonPropertyName("size")] string Size);

public sealed record OpenAiErrorBody(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);

[Description("The error envelope of the OpenAI-compatible routes.")]
public sealed record OpenAiError([property: JsonPropertyName("error")] OpenAiErrorBody Error);

public sealed record FieldError(
    [property: JsonPropertyName("field_name")] string FieldName,
    [property: JsonPropertyName("message")] string Message);

[Description("The error envelope of the Crynux-native routes: message is validation_error, unauthorized, forbidden, not_found, rate_limit_exceeded, quota_exceeded or server_error.")]
public sealed record NativeError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] FieldError Data);

[Description("A raw Crynux task. task_fee is in GWei per unit of task size.")]
public sealed record RawTaskRequest(
    [property: JsonPropertyName("task_type"), Description("0 image, 1 LLM, 2 image fine-tune (LoRA)")] int TaskType,
    [property: JsonPropertyName("task_args"), Description("the task arguments: a JSON string (or object) valid for the gpt-task / stable-diffusion-task schema")] object TaskArgs,
    [property: JsonPropertyName("client_id"), Description("defaults to the API key's client; another client needs the admin role")] string? ClientId = null,
    [property: JsonPropertyName("task_version")] string? TaskVersion = null,
    [property: JsonPropertyName("min_vram")] int? MinVram = null,
    [property: JsonPropertyName("required_gpu")] string? RequiredGpu = null,
    [property: JsonPropertyName("required_gpu_vram")] int? RequiredGpuVram = null,
    [property: JsonPropertyName("repeat_num"), Description("1 to 10 independent copies")] int? RepeatNum = null,
    [property: JsonPropertyName("task_fee"), Description("a number: GWei per unit of task size; a decimal string (e.g. \"40602000000000\"): the final fee in wei of one network task; absent: the bridge's default. Bounded by task.max_fee_cnx")] long? TaskFee = null,
    [property: JsonPropertyName("timeout"), Description("seconds; fine-tune tasks only")] long? Timeout = null);

public sealed record ClientTask(
    [property: JsonPropertyName("id"), Description("the task_id of the GET routes")] long Id,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("status"), Description("running, success or failed")] string Status,
    [property: JsonPropertyName("failed_count")] int FailedCount,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

public sealed record ClientTaskEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] ClientTask Data);

[Description("A signed management request: signature over keccak256(sorted compact JSON of the route's payload ‖ decimal timestamp). Payloads with an address segment: create/delete {client_id}; role {client_id, role}; use_limit {client_id, use_limit}; rate_limit {client_id, rate_limit}. With a bridge-minted key segment the same with api_key instead of client_id (root only); POST /v1/api_key signs {}. v may be 0/1 or 27/28; EIP-191 forms are accepted; each signature once, within ±60 s.")]
public sealed record SignedRequestBody(
    [property: JsonPropertyName("timestamp"), Description("unix seconds")] long Timestamp,
    [property: JsonPropertyName("signature"), Description("0x + 130 hex digits")] string Signature,
    [property: JsonPropertyName("role"), Description("/role: chat, image or admin")] string? Role = null,
    [property: JsonPropertyName("use_limit"), Description("/use_limit: tasks the key may create; 0 = unlimited")] long? UseLimit = null,
    [property: JsonPropertyName("rate_limit"), Description("/rate_limit: requests per minute; 0 = unlimited")] long? RateLimit = null);

public sealed record ApiKeyCreated(
    [property: JsonPropertyName("api_key"), Description("shown once; only its hash is stored")] string ApiKey,
    [property: JsonPropertyName("expires_at")] long ExpiresAt);

public sealed record ApiKeyCreatedEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] ApiKeyCreated Data);
#pragma warning restore CA1812
