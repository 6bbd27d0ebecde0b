using System.Text.Json.Serialization;

// The request and response shapes for /openapi.json. The handlers parse bodies by hand (to name the offending field in
// every error), so these records exist to describe the wire format; they are not used to bind requests.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record ImageData(
    [property: JsonPropertyName("b64_json")] string? B64Json,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("revised_prompt")] string RevisedPrompt);
