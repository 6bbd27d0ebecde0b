using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the admin task traces and the console API for /openapi.json (the routes write JSON nodes; these document them).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("A client task in the console's list.")]
public sealed record ConsoleTask(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("public_id")] string PublicId,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("kind"), Description("chat, completion, image or raw")] string Kind,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("relay_tasks")] int RelayTasks,
    [property: JsonPropertyName("validated_in_group")] bool ValidatedInGroup,
    [property: JsonPropertyName("created_at"), Description("unix seconds")] long CreatedAt,
    [property: JsonPropertyName("paid_cnx"), Description("fees of its Relay tasks that were paid (not aborted or refunded)")] string PaidCnx,
    [property: JsonPropertyName("task_id")] string? TaskId = null,
    [property: JsonPropertyName("key_id")] long? KeyId = null,
    [property: JsonPropertyName("model")] string? Model = null,
    [property: JsonPropertyName("task_type")] string? TaskType = null,
    [property: JsonPropertyName("finished_at")] long? FinishedAt = null,
    [property: JsonPropertyName("duration_seconds")] double? DurationSeconds = null,
    [property: JsonPropertyName("error")] string? Error = null);
