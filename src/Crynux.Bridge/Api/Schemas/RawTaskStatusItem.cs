using System.Text.Json.Serialization;

// Shapes of today's raw-task contract for /openapi.json (not used to bind requests).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record RawTaskStatusItem(
    [property: JsonPropertyName("client_task_id")] long ClientTaskId,
    [property: JsonPropertyName("client_task")] NumberedClientTask? ClientTask = null,
    [property: JsonPropertyName("error")] string? Error = null);
