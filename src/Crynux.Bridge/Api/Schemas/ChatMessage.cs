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
