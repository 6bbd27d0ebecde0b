using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the key lists, key controls and spend totals for /openapi.json; ApiKeyInfo and SpendDay are also what the
// routes write.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("One UTC day's totals of client tasks admitted that day.")]
public sealed record SpendDay(
    [property: JsonPropertyName("day"), Description("yyyy-MM-dd, UTC")] string Day,
    [property: JsonPropertyName("tasks")] long Tasks,
    [property: JsonPropertyName("successes")] long Successes,
    [property: JsonPropertyName("failures")] long Failures,
    [property: JsonPropertyName("spent_wei"), Description("fees charged minus refunds, wei")] string SpentWei);
