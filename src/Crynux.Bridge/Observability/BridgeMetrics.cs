using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Crynux.Bridge.Observability;

/// <summary>
/// The bridge's Prometheus metrics: counters and histograms keyed by label values, rendered as the text exposition format.
/// Small and lock-free on the hot path; labels are from small fixed sets (routes, statuses, stages).
/// </summary>
public sealed class BridgeMetrics
{
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly ConcurrentDictionary<(string Name, string Labels), Counter> _counters = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Histogram> _histograms = new();
    private readonly ConcurrentDictionary<string, Func<double>> _gauges = new();
    private readonly Dictionary<string, string> _help = new()
    {
        ["crynux_bridge_http_requests_total"] = "HTTP requests answered, by route and status code.",
        ["crynux_bridge_relay_requests_total"] = "Requests sent to the Relay, by endpoint and outcome.",
        ["crynux_bridge_tasks_total"] = "Client tasks that ended, by kind and status.",
        ["crynux_bridge_task_stage_seconds"] = "Time from a Relay state change seen by the bridge to the bridge's next action, by stage.",
        ["crynux_bridge_task_duration_seconds"] = "Client task duration from admission to its outcome, by kind.",
        ["crynux_bridge_rate_limit_rejections_total"] = "Requests rejected by the per-key rate limit.",
        ["crynux_bridge_quota_rejections_total"] = "Requests rejected by the per-key use limit.",
        ["crynux_bridge_waiting_requests"] = "HTTP requests currently waiting for a task outcome.",
        ["crynux_bridge_open_tasks"] = "Client tasks this instance is driving.",
        ["crynux_bridge_relay_queued_tasks"] = "Original tasks of this instance queued at the Relay (engine.relay_queue_limit per kind).",
        ["crynux_bridge_relay_queue_waiting"] = "Client tasks waiting in the bridge for a place in the Relay's queue.",
    };

    public void Count(string name, string labels, long value = 1) => _counters.GetOrAdd((name, labels), _ => new Counter()).Add(value);

    public void Observe(string name, string labels, double seconds) => _histograms.GetOrAdd((name, labels), _ => new Histogram()).Observe(seconds);

    public void Gauge(string name, Func<double> read) => _gauges[name] = read;

    public long CounterValue(string name, string labels) => _counters.TryGetValue((name, labels), out var c) ? c.Value : 0;

    public void RelayRequest(string endpoint, string outcome) =>
        Count("crynux_bridge_relay_requests_total", $"endpoint=\"{endpoint}\",outcome=\"{outcome}\"");

    public void Stage(string stage, TimeSpan latency) =>
        Observe("crynux_bridge_task_stage_seconds", $"stage=\"{stage}\"", latency.TotalSeconds);

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var group in _counters.GroupBy(c => c.Key.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Header(text, group.Key, "counter");
            foreach (var (key, counter) in group.OrderBy(c => c.Key.Labels, StringComparer.Ordinal))
            {
                text.Append(key.Name).Append('{').Append(key.Labels).Append("} ").Append(counter.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        foreach (var group in _histograms.GroupBy(h => h.Key.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Header(text, group.Key, "histogram");
            foreach (var (key, histogram) in group.OrderBy(h => h.Key.Labels, StringComparer.Ordinal))
            {
                histogram.Render(text, key.Name, key.Labels);
            }
        }
        foreach (var (name, read) in _gauges.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Header(text, name, "gauge");
            text.Append(name).Append(' ').Append(read().ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.ToString();
    }

    private void Header(StringBuilder text, string name, string type)
    {
        if (_help.TryGetValue(name, out var help))
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        }
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    private sealed class Counter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Add(long value) => Interlocked.Add(ref _value, value);
    }

    private sealed class Histogram
    {
        private readonly long[] _buckets = new long[LatencyBuckets.Length];
        private long _count;
        private long _sumMicros;

        public void Observe(double seconds)
        {
            for (var i = 0; i < LatencyBuckets.Length; i++)
            {
                if (seconds <= LatencyBuckets[i])
                {
                    Interlocked.Increment(ref _buckets[i]);
                }
            }
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _sumMicros, (long)(seconds * 1_000_000));
        }

        public void Render(StringBuilder text, string name, string labels)
        {
            var prefix = labels.Length > 0 ? labels + "," : "";
            for (var i = 0; i < LatencyBuckets.Length; i++)
            {
                text.Append(name).Append("_bucket{").Append(prefix).Append("le=\"").Append(LatencyBuckets[i].ToString(CultureInfo.InvariantCulture))
                    .Append("\"} ").Append(Interlocked.Read(ref _buckets[i]).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            var count = Interlocked.Read(ref _count).ToString(CultureInfo.InvariantCulture);
            text.Append(name).Append("_bucket{").Append(prefix).Append("le=\"+Inf\"} ").Append(count).Append('\n');
            text.Append(name).Append("_sum{").Append(labels).Append("} ")
                .Append((Interlocked.Read(ref _sumMicros) / 1_000_000.0).ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append(name).Append("_count{").Append(labels).Append("} ").Append(count).Append('\n');
        }
    }
}
