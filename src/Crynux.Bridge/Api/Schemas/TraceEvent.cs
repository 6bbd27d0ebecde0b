using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the admin task traces and the console API for /openapi.json (the routes write JSON nodes; these document them).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("One recorded event of a Relay task; each name at most once per task and status.")]
public sealed record TraceEvent(
    [property: JsonPropertyName("name"), Description("relay_task_create_submitted, relay_task_created, task_started, score_ready, validation_passed, task_aborted, result_downloaded, …")] string Name,
    [property: JsonPropertyName("timestamp"), Description("RFC 3339, UTC, milliseconds")] string Timestamp,
    [property: JsonPropertyName("task_status"), Description("the task's status name when the event was recorded")] string TaskStatus,
    [property: JsonPropertyName("task_status_code")] int TaskStatusCode,
    [property: JsonPropertyName("details")] string? Details = null);
