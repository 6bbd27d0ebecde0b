using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of today's raw-task contract for /openapi.json (not used to bind requests).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("A client task as today's clients read it: client_id is the client's number.")]
public sealed record NumberedClientTask(
    [property: JsonPropertyName("id"), Description("the client_task_id of the read routes")] long Id,
    [property: JsonPropertyName("client_id"), Description("the client's number")] long ClientId,
    [property: JsonPropertyName("status"), Description("running, success or failed")] string Status,
    [property: JsonPropertyName("failed_count")] int FailedCount,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);
