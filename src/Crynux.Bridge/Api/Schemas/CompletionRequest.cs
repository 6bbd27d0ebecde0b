using System.ComponentModel;
using System.Text.Json.Serialization;

// The request and response shapes for /openapi.json. The handlers parse bodies by hand (to name the offending field in
// every error), so these records exist to describe the wire format; they are not used to bind requests.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

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
