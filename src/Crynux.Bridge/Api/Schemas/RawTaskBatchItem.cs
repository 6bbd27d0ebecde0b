using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of today's raw-task contract for /openapi.json (not used to bind requests).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("One item's outcome: client_task when it was created, else error (\"<field>: <message>\").")]
public sealed record RawTaskBatchItem(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("client_task")] NumberedClientTask? ClientTask = null,
    [property: JsonPropertyName("error")] string? Error = null);
