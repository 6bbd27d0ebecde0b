using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the admin task traces and the console API for /openapi.json (the routes write JSON nodes; these document them).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

public sealed record ConsoleSeries(
    [property: JsonPropertyName("times"), Description("bucket starts, unix seconds")] long[] Times,
    [property: JsonPropertyName("success")] long[]? Success = null,
    [property: JsonPropertyName("failed")] long[]? Failed = null,
    [property: JsonPropertyName("p50_seconds")] double?[]? P50Seconds = null,
    [property: JsonPropertyName("p95_seconds")] double?[]? P95Seconds = null,
    [property: JsonPropertyName("overall_p50_seconds")] double? OverallP50Seconds = null,
    [property: JsonPropertyName("overall_p95_seconds")] double? OverallP95Seconds = null,
    [property: JsonPropertyName("successes")] int? Successes = null,
    [property: JsonPropertyName("bucket_seconds")] long? BucketSeconds = null,
    [property: JsonPropertyName("cnx_per_hour")] double[]? CnxPerHour = null,
    [property: JsonPropertyName("total_cnx")] string? TotalCnx = null);
