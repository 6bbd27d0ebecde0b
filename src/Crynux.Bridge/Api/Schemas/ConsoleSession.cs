using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the admin task traces and the console API for /openapi.json (the routes write JSON nodes; these document them).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record ConsoleSession(
    [property: JsonPropertyName("token"), Description("send as Authorization: Bearer on the console routes")] string Token,
    [property: JsonPropertyName("expires_at"), Description("unix seconds")] long ExpiresAt);
