using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the model catalog routes for /openapi.json (the other shapes are in this folder).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("OpenAI's model list. The x-crynux-catalog header says relay, relay-stale (the Relay could not be read; its last list) or config.")]
public sealed record CatalogModelList(
    [property: JsonPropertyName("object"), Description("always list")] string ObjectType,
    [property: JsonPropertyName("data")] CatalogModelObject[] Data);
