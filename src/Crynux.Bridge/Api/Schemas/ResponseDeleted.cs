using System.Text.Json.Serialization;

// The Responses API's shapes for /openapi.json (described, not bound: the handler parses the body by hand).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record ResponseDeleted(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    [property: JsonPropertyName("deleted")] bool Deleted);
