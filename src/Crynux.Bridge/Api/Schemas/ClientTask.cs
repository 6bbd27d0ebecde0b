using System.ComponentModel;
using System.Text.Json.Serialization;

// The request and response shapes for /openapi.json. The handlers parse bodies by hand (to name the offending field in
// every error), so these records exist to describe the wire format; they are not used to bind requests.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record ClientTask(
    [property: JsonPropertyName("id"), Description("the task_id of the GET routes")] long Id,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("status"), Description("running, success or failed")] string Status,
    [property: JsonPropertyName("failed_count")] int FailedCount,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);
