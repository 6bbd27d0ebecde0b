using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Crynux.Bridge.Observability;

/// <summary>
/// The bridge's metrics as System.Diagnostics.Metrics instruments on one <see cref="Meter"/> per bridge (OpenTelemetry
/// exports them: Prometheus text at /metrics, OTLP when configured). The methods keep the series names and Prometheus-style
/// label strings the code base has always passed, so that dashboards and call sites stay as they were; a label string is
/// parsed once and its tags cached, so the hot path is a dictionary lookup and an instrument add.
/// </summary>
public sealed class BridgeMetrics : IDisposable
{
    /// <summary>The meter's name; every bridge in a process uses it, and each exports only its own meter's instruments.</summary>
    public const string MeterName = "Crynux.Bridge";

    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private static readonly Dictionary<string, string> Help = new(StringComparer.Ordinal)
    {
        ["crynux_bridge_http_requests_total"] = "HTTP requests answered, by route and status code.",
        ["crynux_bridge_relay_requests_total"] = "Requests sent to the Relay, by endpoint and outcome.",
        ["crynux_bridge_tasks_total"] = "Client tasks that ended, by kind and status.",
        ["crynux_bridge_task_stage_seconds"] = "Time from a Relay state change seen by the bridge to the bridge's next action, by stage.",
        ["crynux_bridge_task_duration_seconds"] = "Client task duration from admission to its outcome, by kind.",
        ["crynux_bridge_rate_limit_rejections_total"] = "Requests rejected by the per-key rate limit.",
        ["crynux_bridge_quota_rejections_total"] = "Requests rejected by the per-key use limit.",
        ["crynux_bridge_spend_limit_rejections_total"] = "Requests rejected by the per-key spend limit.",
        [KeyMetrics.Outcomes] = "Client tasks that ended, by API key id and outcome (success or failure).",
        [KeyMetrics.Charged] = "Relay task fees charged, in whole GWei, by API key id (key_id 0: tasks without a key).",
        [KeyMetrics.Refunded] = "Relay task fees refunded, in whole GWei, by API key id.",
        ["crynux_bridge_waiting_requests"] = "HTTP requests currently waiting for a task outcome.",
        ["crynux_bridge_open_tasks"] = "Client tasks this instance is driving.",
        ["crynux_bridge_relay_queued_tasks"] = "Original tasks of this instance queued at the Relay (engine.relay_queue_limit per kind).",
        ["crynux_bridge_relay_queue_waiting"] = "Client tasks waiting in the bridge for a place in the Relay's queue.",
        ["crynux_bridge_task_fees_total"] = "Relay tasks admitted, by task type and how their fee was chosen (auto, fixed, client).",
        ["crynux_bridge_task_fee_gwei_total"] = "Sum of the fees of admitted Relay tasks in GWei, by task type and how the fee was chosen.",
        ["crynux_bridge_fee_fallbacks_total"] = "Tasks priced with the fixed fee although task.fee_mode is auto, by reason.",
    };

    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<string, Counter<long>> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Histogram<double>> _histograms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, string Labels), Series> _series = new();
    private readonly ConcurrentDictionary<string, Func<double>> _gauges = new(StringComparer.Ordinal);

    /// <summary>The meter this bridge's exporters listen to (other bridges in the same process have their own).</summary>
    public Meter Meter => _meter;

    /// <summary>This bridge's task spans (kept here because the engine already holds the metrics).</summary>
    public TaskTraces Traces { get; } = new();

    public void Count(string name, string labels, long value = 1)
    {
        var series = _series.GetOrAdd((name, labels), static key => new Series(key.Labels));
        _counters.GetOrAdd(name, static (n, meter) => meter.CreateCounter<long>(n, description: HelpOf(n)), _meter).Add(value, series.Tags);
    }

    public void Observe(string name, string labels, double seconds)
    {
        var series = _series.GetOrAdd((name, labels), static key => new Series(key.Labels));
        _histograms.GetOrAdd(name, static (n, meter) => meter.CreateHistogram(n, unit: "s", description: HelpOf(n),
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets }), _meter).Record(seconds, series.Tags);
    }

    /// <summary>A gauge read at each collection; a second call with the same name replaces the reader.</summary>
    public void Gauge(string name, Func<double> read)
    {
        if (_gauges.TryAdd(name, read))
        {
            _meter.CreateObservableGauge(name, () => _gauges[name](), description: HelpOf(name));
        }
        else
        {
            _gauges[name] = read;
        }
    }

    /// <summary>Admitted Relay tasks and their fees (GWei), by task type and how the fee was chosen.</summary>
    public void TaskFee(string taskType, string mode, System.Numerics.BigInteger feeWei, int relayTasks)
    {
        var labels = $"task_type=\"{taskType}\",mode=\"{mode}\"";
        Count("crynux_bridge_task_fees_total", labels, relayTasks);
        var gwei = feeWei / 1_000_000_000 * relayTasks;
        Count("crynux_bridge_task_fee_gwei_total", labels, gwei > long.MaxValue ? long.MaxValue : (long)gwei);
    }

    public void RelayRequest(string endpoint, string outcome) =>
        Count("crynux_bridge_relay_requests_total", $"endpoint=\"{endpoint}\",outcome=\"{outcome}\"");

    /// <summary>Records a stage's latency, and a span covering it under the current task span (see <see cref="TaskTraces"/>).</summary>
    public void Stage(string stage, TimeSpan latency)
    {
        Observe("crynux_bridge_task_stage_seconds", $"stage=\"{stage}\"", latency.TotalSeconds);
        TaskTraces.Stage(stage, latency);
    }

    public void Dispose() => _meter.Dispose();

    private static string? HelpOf(string name) => Help.GetValueOrDefault(name);

    /// <summary>One label set: its tags, parsed once from <c>key="value",…</c>.</summary>
    private sealed class Series(string labels)
    {
        public TagList Tags { get; } = Parse(labels);

        private static TagList Parse(string labels)
        {
            var tags = new TagList();
            var rest = labels.AsSpan();
            while (rest.Length > 0)
            {
                var equals = rest.IndexOf("=\"", StringComparison.Ordinal);
                var close = rest[(equals + 2)..].IndexOf('"') + equals + 2;
                if (equals <= 0 || close < equals + 2)
                {
                    throw new ArgumentException($"labels must read key=\"value\",…, not {labels}", nameof(labels));
                }
                tags.Add(rest[..equals].ToString(), rest[(equals + 2)..close].ToString());
                rest = rest[(close + 1)..].TrimStart(',');
            }
            return tags;
        }
    }
}
