using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the admin task traces and the console API for /openapi.json (the routes write JSON nodes; these document them).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("The console overview over the last hour (1-minute buckets) or day (15-minute buckets; spend per hour).")]
public sealed record ConsoleOverview(
    [property: JsonPropertyName("window")] string Window,
    [property: JsonPropertyName("from")] long From,
    [property: JsonPropertyName("to")] long To,
    [property: JsonPropertyName("bucket_seconds")] long BucketSeconds,
    [property: JsonPropertyName("outcomes"), Description("client tasks ended per bucket")] ConsoleSeries Outcomes,
    [property: JsonPropertyName("time_to_result")] ConsoleSeries TimeToResult,
    [property: JsonPropertyName("spend")] ConsoleSeries Spend,
    [property: JsonPropertyName("totals"), Description("client tasks admitted in the window, by status now")] ConsoleTotals Totals,
    [property: JsonPropertyName("open_tasks_by_stage"), Description("pending, queued, running, scored, validated, downloading")] Dictionary<string, long> OpenTasksByStage,
    [property: JsonPropertyName("relay_balance_cnx"), Description("null when the Relay did not answer (relay_balance_error says why)")] string? RelayBalanceCnx = null,
    [property: JsonPropertyName("relay_balance_error")] string? RelayBalanceError = null);
