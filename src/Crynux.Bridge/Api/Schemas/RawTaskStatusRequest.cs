using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of today's raw-task contract for /openapi.json (not used to bind requests).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record RawTaskStatusRequest(
    [property: JsonPropertyName("client_task_ids"), Description("1 to 100 client task ids; answered in this order, duplicates included")] long[] ClientTaskIds);
