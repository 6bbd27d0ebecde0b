using System.ComponentModel;
using System.Text.Json.Serialization;

// The request and response shapes for /openapi.json. The handlers parse bodies by hand (to name the offending field in
// every error), so these records exist to describe the wire format; they are not used to bind requests.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("With stream=true the answer is text/event-stream instead: chat.completion.chunk frames, a usage frame when stream_options.include_usage, then data: [DONE]; ': keep-alive' comments while the network works.")]
public sealed record ChatCompletion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] ChatChoice[] Choices,
    [property: JsonPropertyName("usage")] Usage Usage);
