using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the admin task traces and the console API for /openapi.json (the routes write JSON nodes; these document them).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record ConsoleSessionRequest(
    [property: JsonPropertyName("timestamp"), Description("unix seconds")] long Timestamp,
    [property: JsonPropertyName("signature"), Description("root signature of {\"action\":\"console_session\"} + timestamp (docs/api.md §5)")] string Signature);
