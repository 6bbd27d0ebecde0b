using System.Globalization;
using System.Net;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Observability;

/// <summary>
/// /metrics keeps every series name, type and label set that dashboards were built on. metrics-series.txt was captured
/// from the hand-written Prometheus renderer before the bridge moved to OpenTelemetry instruments.
/// </summary>
public sealed class MetricsSeriesTests : IAsyncLifetime
{
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private TestBridge _bridge = null!;

    public async ValueTask InitializeAsync() => _bridge = await TestBridge.StartAsync();

    public async ValueTask DisposeAsync() => await _bridge.DisposeAsync();

    [Fact]
    public async Task Metrics_carries_every_series_name_type_and_label_set_of_the_captured_list()
    {
        // Real traffic for the common series; the facade for the ones that need rare conditions (a rate-limited key,
        // a validation group), with the exact call shapes the engine and the API use.
        using (var chat = await _bridge.PostAsync("v1/chat/completions",
            new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Hello" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }
        var metrics = _bridge.Service<BridgeMetrics>();
        metrics.Count("crynux_bridge_rate_limit_rejections_total", "");
        metrics.Count("crynux_bridge_quota_rejections_total", "");
        metrics.Stage("validate", TimeSpan.FromMilliseconds(3));

        var text = await ScrapeAsync();
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Observability", "metrics-series.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
        var actual = Series(text);
        var missing = expected.Except(actual).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "missing from /metrics:\n" + string.Join('\n', missing) + "\n\nscraped:\n" + string.Join('\n', actual.Order(StringComparer.Ordinal)));

        // The histogram buckets are the ones the stage quantiles in docs/benchmarks.md are estimated from.
        var bounds = text.Split('\n').Where(l => l.StartsWith("crynux_bridge_task_stage_seconds_bucket{", StringComparison.Ordinal) && l.Contains("stage=\"validate\"", StringComparison.Ordinal))
            .Select(l => Label(l, "le")).Where(le => le != "+Inf").Select(le => double.Parse(le, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(LatencyBuckets, bounds);
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await _bridge.Http.GetAsync(new Uri(_bridge.BaseUrl, "metrics"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// "type name{label,keys}" for every sample of a crynux_bridge_ metric, with its family's # TYPE. A series without labels
    /// is written "name{}" either way: the old renderer wrote gauges as "name value", OpenTelemetry writes "name{} value",
    /// and Prometheus reads both as the same series.
    /// </summary>
    private static HashSet<string> Series(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.Length == 0 || line.StartsWith('#') || !line.StartsWith("crynux_bridge_", StringComparison.Ordinal))
            {
                continue;
            }
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var name = brace >= 0 ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var keys = brace >= 0 ? LabelKeys(line[(brace + 1)..line.LastIndexOf('}')]) : "";
            var family = types.Keys.Where(t => name == t || name.StartsWith(t + "_", StringComparison.Ordinal)).MaxBy(t => t.Length) ?? "?";
            series.Add($"{types.GetValueOrDefault(family, "?")} {name}{{{keys}}}");
        }
        return series;
    }

    private static string LabelKeys(string labels) =>
        string.Join(',', labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p[..p.IndexOf('=', StringComparison.Ordinal)])
            .Order(StringComparer.Ordinal));

    private static string Label(string line, string key)
    {
        var start = line.IndexOf(key + "=\"", StringComparison.Ordinal) + key.Length + 2;
        return line[start..line.IndexOf('"', start)];
    }
}
