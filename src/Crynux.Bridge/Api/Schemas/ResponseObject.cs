using System.ComponentModel;
using System.Text.Json.Serialization;

// The Responses API's shapes for /openapi.json (described, not bound: the handler parses the body by hand).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

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
