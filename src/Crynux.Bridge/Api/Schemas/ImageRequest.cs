using System.ComponentModel;
using System.Text.Json.Serialization;

// The request and response shapes for /openapi.json. The handlers parse bodies by hand (to name the offending field in
// every error), so these records exist to describe the wire format; they are not used to bind requests.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

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
