using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Crynux.Bridge.Bench;

/// <summary>The five scenarios of issue 7 and the CPU per task of issue 20. Each starts its own devnet and bridge processes and stops them at the end.</summary>
internal sealed partial class Scenarios(BenchPaths paths, Plan plan, Report report)
{
    private const double Mb = 1024 * 1024;

    private sealed record ChatSample(string Content, DateTimeOffset Sent, DateTimeOffset LastByte, double LatencyMs, bool Ok, int Status);

    /// <param name="FirstByteMs">From sending the request to the first body byte (the first chunk, flushed at admission).</param>
    private sealed record StreamSample(bool Ok, string? Error, double MaxGapMs, double HeadersMs, double FirstByteMs = double.NaN);

    /// <summary>Figures keyed by name, in first-seen order, each collecting one value per repeat.</summary>
    private sealed class Acc(Report report, string scenario)
    {
        private readonly List<(string Metric, string Unit, string Target, Func<double, bool>? Meets, List<double> Values)> _rows = [];

        public void Add(string metric, double value, string unit, string target = "", Func<double, bool>? meets = null)
        {
            var row = _rows.FirstOrDefault(r => r.Metric == metric);
            if (row.Values is null)
            {
                row = (metric, unit, target, meets, []);
                _rows.Add(row);
            }
            row.Values.Add(value);
        }

        public void Flush()
        {
            foreach (var (metric, unit, target, meets, values) in _rows)
            {
                report.Add(scenario, metric, values, unit, target, meets);
            }
        }
    }

    private static bool AtMost(double limit, double v) => v <= limit;

    // ---------------------------------------------------------------- 1. latency

    public async Task LatencyAsync(int pollMs)
    {
        var scenario = $"1 latency, poll {pollMs} ms";
        var maxConcurrent = plan.ConcurrentN.Max();
        using var c = await Cluster.StartAsync(paths, new ClusterSpec { Nodes = 200, EventsPollMs = pollMs });
        var acc = new Acc(report, scenario);
        // Warm-up (JIT, connection pools, SQLite pages), not counted.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => ChatAsync(c, $"warm {pollMs} {i}", TimeSpan.FromSeconds(60))));
        for (var r = 0; r < plan.Repeats; r++)
        {
            // Sequential: one request at a time.
            var m0 = await c.MetricsAsync();
            var seq = new List<ChatSample>();
            for (var i = 0; i < plan.SequentialN; i++)
            {
                seq.Add(await ChatAsync(c, $"seq {pollMs} {r} {i}", TimeSpan.FromSeconds(60)));
            }
            var m1 = await c.MetricsAsync();
            await LatencyFiguresAsync(c, acc, $"{plan.SequentialN} sequential", seq, m0, m1, single: true);

            foreach (var n in plan.ConcurrentN)
            {
                if (n == maxConcurrent && plan.ConcurrentN.Length > 1 && (r < plan.Repeats - 1 || pollMs != plan.PollIntervalsMs[0]))
                {
                    continue; // the largest run once, at the default poll interval
                }
                var before = Sample(c);
                var m2 = await c.MetricsAsync();
                var clock = Stopwatch.StartNew();
                var conc = await Task.WhenAll(Enumerable.Range(0, n).Select(i => ChatAsync(c, $"conc {pollMs} {r} {n} {i}", TimeSpan.FromSeconds(180))));
                var wall = clock.Elapsed.TotalSeconds;
                var m3 = await c.MetricsAsync();
                await LatencyFiguresAsync(c, acc, $"{n} concurrent", [.. conc], m2, m3, single: false);
                acc.Add($"{n} concurrent: completed per second", conc.Count(s => s.Ok) / wall, "req/s");
                if (r == plan.Repeats - 1)
                {
                    var after = Sample(c);
                    report.Scaling.Add(new ScaleRow(scenario, $"{n} concurrent chats", wall, after.Bridge.CpuSeconds - before.Bridge.CpuSeconds,
                        after.Bridge.PeakRssBytes / Mb, after.Devnet.CpuSeconds - before.Devnet.CpuSeconds, "peak RSS since start"));
                }
                if (n == maxConcurrent)
                {
                    await c.WaitIdleAsync(TimeSpan.FromSeconds(30));
                }
            }
        }
        acc.Flush();
    }

    private static async Task<ChatSample> ChatAsync(Cluster c, string content, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var sent = DateTimeOffset.UtcNow;
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var request = c.Post("v1/chat/completions", Cluster.ChatBody(content, stream: false));
            using var response = await c.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token);
            var elapsed = Stopwatch.GetElapsedTime(start);
            return new ChatSample(content, sent, DateTimeOffset.UtcNow, elapsed.TotalMilliseconds, response.IsSuccessStatusCode, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return new ChatSample(content, sent, DateTimeOffset.UtcNow, Stopwatch.GetElapsedTime(start).TotalMilliseconds, false, 0);
        }
    }

    private static async Task LatencyFiguresAsync(Cluster c, Acc acc, string mode, IReadOnlyList<ChatSample> samples, string m0, string m1, bool single)
    {
        var ok = samples.Where(s => s.Ok).Select(s => s.LatencyMs).ToList();
        var failed = samples.Count - ok.Count;
        acc.Add($"{mode}: errors", failed, "requests", "0", v => v == 0);
        acc.Add($"{mode}: end-to-end p50", Measure.Percentile(ok, 0.5), "ms", single ? "≤ 100 ms" : "", single ? v => AtMost(100, v) : null);
        acc.Add($"{mode}: end-to-end p99", Measure.Percentile(ok, 0.99), "ms", single ? "≤ 300 ms" : "", single ? v => AtMost(300, v) : null);

        // (b) from the bridge's own histograms (bucket estimates).
        var before = PromHistogram.ParseStages(m0, "crynux_bridge_task_stage_seconds");
        foreach (var (stage, h) in PromHistogram.ParseStages(m1, "crynux_bridge_task_stage_seconds").OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var d = h.Minus(before.GetValueOrDefault(stage));
            if (d.Count > 0)
            {
                acc.Add($"{mode}: /metrics stage {stage} p50 (bucket estimate)", d.Quantile(0.5) * 1000, "ms", "≤ 30 ms", v => AtMost(30, v));
                acc.Add($"{mode}: /metrics stage {stage} p99 (bucket estimate)", d.Quantile(0.99) * 1000, "ms", "≤ 100 ms", v => AtMost(100, v));
            }
        }

        // (b) and (c) from the devnet's task times (same machine clock).
        var byContent = new Dictionary<string, List<JsonNode>>(StringComparer.Ordinal);
        foreach (var task in (await c.DevnetGetAsync("devnet/tasks")).AsArray())
        {
            var args = JsonNode.Parse(task!["task_args"]!.GetValue<string>());
            var content = args?["messages"]?.AsArray().LastOrDefault()?["content"]?.GetValue<string>();
            if (content is not null)
            {
                (byContent.TryGetValue(content, out var list) ? list : byContent[content] = []).Add(task);
            }
        }
        List<double> toCreate = [], toValidate = [], toLastByte = [];
        foreach (var s in samples.Where(s => s.Ok))
        {
            if (!byContent.TryGetValue(s.Content, out var tasks))
            {
                continue;
            }
            if (tasks.Min(t => t.Time("create_time")) is { } created)
            {
                toCreate.Add((created - s.Sent).TotalMilliseconds);
            }
            var winner = tasks.Where(t => t.Time("result_uploaded_time") is not null).MaxBy(t => t.Time("result_uploaded_time"));
            if (winner is null)
            {
                continue;
            }
            if (winner.Time("validated_time") is { } validated && tasks.Max(t => t.Time("score_ready_time")) is { } scoreReady)
            {
                toValidate.Add((validated - scoreReady).TotalMilliseconds);
            }
            toLastByte.Add((s.LastByte - winner.Time("result_uploaded_time")!.Value).TotalMilliseconds);
        }
        acc.Add($"{mode}: client send → devnet task created, p50", Measure.Percentile(toCreate, 0.5), "ms", "≤ 30 ms", v => AtMost(30, v));
        acc.Add($"{mode}: client send → devnet task created, p99", Measure.Percentile(toCreate, 0.99), "ms", "≤ 100 ms", v => AtMost(100, v));
        acc.Add($"{mode}: devnet ScoreReady → Validated, p50", Measure.Percentile(toValidate, 0.5), "ms", "≤ 30 ms", v => AtMost(30, v));
        acc.Add($"{mode}: devnet ScoreReady → Validated, p99", Measure.Percentile(toValidate, 0.99), "ms", "≤ 100 ms", v => AtMost(100, v));
        acc.Add($"{mode}: devnet EndSuccess → client last byte, p50", Measure.Percentile(toLastByte, 0.5), "ms", "≤ 30 ms", v => AtMost(30, v));
        acc.Add($"{mode}: devnet EndSuccess → client last byte, p99", Measure.Percentile(toLastByte, 0.99), "ms", "≤ 100 ms", v => AtMost(100, v));
    }

    // ---------------------------------------------------------------- 2. relay cost

    public async Task RelayCostAsync()
    {
        foreach (var protocol in plan.Protocols)
        {
            await RelayCostAsync(protocol);
        }
        await InFlightPollAsync();
    }

    /// <summary>
    /// Relay requests per completed chat (without the shared event poll), by node execution time and concurrency, on one
    /// Relay generation. A 2026 Relay takes creates, validations and status reads in batches gathered across tasks, so
    /// its figure falls with concurrency; the target there is at most 2 per task at 100 concurrent chats.
    /// </summary>
    private async Task RelayCostAsync(int protocol)
    {
        var scenario = $"2 relay cost, {protocol} Relay";
        using var c = await Cluster.StartAsync(paths, new ClusterSpec { Nodes = 64, DelayMs = 1000, Protocol = protocol });
        // The Relay-generation probes are one request each per Relay every 10 minutes, not per task: made before counting.
        await ChatAsync(c, $"warm-up {protocol}", TimeSpan.FromSeconds(120));
        var acc = new Acc(report, scenario);
        foreach (var delay in new[] { 1000, plan.LongDelayMs })
        {
            await c.SetNodeDelayAsync(delay);
            foreach (var tasks in plan.RelayTasks)
            {
                Dictionary<string, long>? lastRoutes = null;
                for (var r = 0; r < plan.Repeats; r++)
                {
                    var before = await c.RelayStatsAsync();
                    var clock = Stopwatch.StartNew();
                    var samples = await Task.WhenAll(Enumerable.Range(0, tasks)
                        .Select(i => ChatAsync(c, $"cost {protocol} {delay} {tasks} {r} {i}", TimeSpan.FromMilliseconds(delay + 120_000))));
                    await Task.Delay(300);
                    var d = (await c.RelayStatsAsync()).Minus(before);
                    var wall = clock.Elapsed.TotalSeconds;
                    var ok = samples.Count(s => s.Ok);
                    var label = $"node execution {delay / 1000.0:0.#} s, {tasks} concurrent chats";
                    var (target, limit) = protocol >= 2026 && tasks >= 100 ? ("≤ 2", 2.0) : ("≤ 6", 6.0);
                    acc.Add($"{label}: errors", tasks - ok, "requests", "0", v => v == 0);
                    acc.Add($"{label}: Relay requests per task (excl. shared poll)", ok == 0 ? double.NaN : (double)d.TaskRequests / ok, "req/task", target, v => AtMost(limit, v));
                    acc.Add($"{label}: shared poll rate", d.PollRequests / wall, "req/s");
                    lastRoutes = d.ByRoute.Where(p => p.Value > 0).ToDictionary(StringComparer.Ordinal);
                }
                if (lastRoutes is not null && tasks == plan.RelayTasks.Max())
                {
                    report.Notes.Add($"{protocol} Relay, routes during the last {delay / 1000.0:0.#} s run ({tasks} tasks; node requests included, "
                        + "the node also GETs its task): " + string.Join(", ", lastRoutes.OrderByDescending(p => p.Value).Select(p => $"`{p.Key}` {p.Value}")));
                }
            }
        }
        acc.Flush();
    }

    private async Task InFlightPollAsync()
    {
        const string scenario = "2 relay cost, tasks in flight";
        // Nodes never finish within the run, so every admitted task stays open in the bridge (started or queued at the Relay).
        using var c = await Cluster.StartAsync(paths, new ClusterSpec { Nodes = 16, DelayMs = 3_000_000 });
        var admitted = 0;
        await Task.Delay(TimeSpan.FromSeconds(plan.Quick ? 2 : 5)); // past start-up JIT
        foreach (var target in plan.InFlight.Prepend(0))
        {
            var ramp = Stopwatch.StartNew();
            var (added, errors) = await AdmitAsync(c, target - admitted, 32, TimeSpan.FromSeconds(plan.Quick ? 30 : 240));
            admitted += added;
            var created = await WaitRelayTasksAsync(c, admitted, TimeSpan.FromSeconds(plan.Quick ? 20 : 240));
            var rampSeconds = ramp.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(plan.Quick ? 1 : 5)); // let the engine finish the admissions' own work
            var before = await c.RelayStatsAsync();
            var p0 = Sample(c);
            var window = target == plan.InFlight.Max() ? plan.LastPollWindowSeconds : plan.PollWindowSeconds;
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(window));
            var d = (await c.RelayStatsAsync()).Minus(before);
            var p1 = Sample(c);
            var seconds = clock.Elapsed.TotalSeconds;
            var label = $"{admitted} in flight";
            report.Add(scenario, $"{label}: shared poll (events, now)", [d.PollRequests / seconds], "req/s", "bounded");
            report.Add(scenario, $"{label}: all other Relay requests", [d.TaskRequests / seconds], "req/s");
            report.Add(scenario, $"{label}: bridge CPU while holding", [(p1.Bridge.CpuSeconds - p0.Bridge.CpuSeconds) / seconds * 100], "% of one core");
            report.Scaling.Add(new ScaleRow(scenario, $"{admitted} tasks in flight ({window} s window)", rampSeconds, p1.Bridge.CpuSeconds, p1.Bridge.RssBytes / Mb,
                p1.Devnet.CpuSeconds, $"wall = admission ramp; CPU since start; {created} created at the Relay; {errors} admission errors; "
                + string.Join(", ", d.ByRoute.Where(p => p.Value > 0).OrderByDescending(p => p.Value).Take(4).Select(p => $"`{p.Key}` {p.Value}"))));
            if (added < target - (admitted - added))
            {
                report.Notes.Add($"In-flight scenario stopped at {admitted} tasks (admission bound reached).");
                break;
            }
        }
    }

    /// <summary>--hold N: a cluster with N tasks in flight that never finish, kept for the given time so a profiler can attach.</summary>
    public async Task HoldForProfileAsync(int tasks, TimeSpan time)
    {
        using var c = await Cluster.StartAsync(paths, new ClusterSpec { Nodes = 16, DelayMs = 3_000_000 });
        var (added, _) = await AdmitAsync(c, tasks, 16, TimeSpan.FromMinutes(5));
        await WaitRelayTasksAsync(c, added, TimeSpan.FromMinutes(2));
        Console.Error.WriteLine($"holding {added} tasks in flight for {time.TotalSeconds:F0} s: bridge pid {c.Bridge.Pid} at {c.BridgeUrl}, devnet pid {c.Devnet.Pid} at {c.DevnetUrl}, logs in {c.Dir}");
        var p0 = Sample(c);
        await Task.Delay(time);
        var p1 = Sample(c);
        Console.Error.WriteLine($"bridge CPU {(p1.Bridge.CpuSeconds - p0.Bridge.CpuSeconds) / time.TotalSeconds * 100:F1} % of one core, devnet {(p1.Devnet.CpuSeconds - p0.Devnet.CpuSeconds) / time.TotalSeconds * 100:F1} %");
    }

    private static async Task<(int Added, int Errors)> AdmitAsync(Cluster c, int count, int concurrency, TimeSpan bound)
    {
        var next = -1;
        var added = 0;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < bound && Interlocked.Increment(ref next) < count)
            {
                var (ok, _) = await RawPostAsync(c, $"flight {Guid.NewGuid():N}");
                Interlocked.Increment(ref ok ? ref added : ref errors);
            }
        }));
        return (added, errors);
    }

    private static async Task<long> WaitRelayTasksAsync(Cluster c, int count, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        long tasks = 0;
        while (clock.Elapsed < bound)
        {
            var stats = await c.DevnetGetAsync("devnet/stats");
            tasks = stats["tasks_by_status"]!.AsObject().Sum(p => p.Value!.GetValue<long>());
            if (tasks >= count)
            {
                break;
            }
            await Task.Delay(250);
        }
        return tasks;
    }

    private static async Task<(bool Ok, double Ms)> RawPostAsync(Cluster c, string content)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var request = c.Post("v1/inference_tasks", Cluster.RawTaskBody(content));
            using var response = await c.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token);
            return (response.IsSuccessStatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return (false, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    // ---------------------------------------------------------------- 3. holding power

    public async Task HoldingAsync()
    {
        const string scenario = "3 holding power";
        const int keepAlive = 1;
        foreach (var m in plan.HoldStreams)
        {
            using var c = await Cluster.StartAsync(paths, new ClusterSpec { Nodes = m + FirstByteProbes + (m / 10) + 8, DelayMs = plan.HoldDelayMs, KeepAliveSeconds = keepAlive });
            var resetOk = c.Bridge.ResetPeak();
            var p0 = Sample(c);
            var benchCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            using var gate = new SemaphoreSlim(256);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(plan.HoldDelayMs) + TimeSpan.FromSeconds(plan.Quick ? 60 : 600));
            var clock = Stopwatch.StartNew();
            using var opened = new CountdownEvent(m);
            var held = Enumerable.Range(0, m).Select(i => StreamAsync(c, $"hold {m} {i}", gate, cts.Token, opened: opened)).ToList();
            // With all m streams open and waiting, new streams (chat and responses in turn, one every 20 ms) measure the time
            // to the first SSE byte under that load.
            await Task.Run(() => opened.Wait(TimeSpan.FromMilliseconds(plan.HoldDelayMs), cts.Token), cts.Token);
            var probes = new List<Task<StreamSample>>();
            for (var i = 0; i < FirstByteProbes; i++)
            {
                probes.Add(StreamAsync(c, $"probe {m} {i}", gate, cts.Token, responses: i % 2 == 1));
                await Task.Delay(20, cts.Token);
            }
            var results = await Task.WhenAll(held);
            var probed = await Task.WhenAll(probes);
            var wall = clock.Elapsed.TotalSeconds;
            var p1 = Sample(c);
            var benchCpu = (Process.GetCurrentProcess().TotalProcessorTime - benchCpu0).TotalSeconds;
            var completed = results.Count(s => s.Ok);
            var gaps = results.Where(s => s.Ok).Select(s => s.MaxGapMs).ToList();
            var late = results.Count(s => s.Ok && s.MaxGapMs > (keepAlive + 1) * 1000);
            var label = $"{m} streams, node {plan.HoldDelayMs / 1000} s";
            report.Add(scenario, $"{label}: completed", [completed], "streams", $"{m}", v => v >= m);
            report.Add(scenario, $"{label}: errors", [m - completed], "streams", "0", v => v == 0);
            report.Add(scenario, $"{label}: bridge peak RSS", [p1.Bridge.PeakRssBytes / Mb], "MB", "≤ 512 MB", v => AtMost(512, v));
            report.Add(scenario, $"{label}: largest gap between frames (any stream)", [gaps.Count == 0 ? double.NaN : gaps.Max()], "ms", "≤ 2000 ms (1 s keep-alive + 1 s)", v => AtMost(2000, v));
            report.Add(scenario, $"{label}: p99 of per-stream largest gap", [Measure.Percentile(gaps, 0.99)], "ms");
            report.Add(scenario, $"{label}: streams with a gap > 2 s", [late], "streams", "0", v => v == 0);
            report.Add(scenario, $"{label}: time to response headers p99 (admission)", [Measure.Percentile(results.Select(s => s.HeadersMs).ToList(), 0.99)], "ms");
            var burstFirst = results.Where(s => s.Ok).Select(s => s.FirstByteMs).ToList();
            report.Add(scenario, $"{label}: first SSE byte p99, the burst of {m} (from sending)", [Measure.Percentile(burstFirst, 0.99)], "ms");
            var probeFirst = probed.Where(s => s.Ok).Select(s => s.FirstByteMs).ToList();
            report.Add(scenario, $"{label}: first SSE byte p50, new streams while {m} are open", [Measure.Percentile(probeFirst, 0.5)], "ms");
            report.Add(scenario, $"{label}: first SSE byte p99, new streams while {m} are open", [Measure.Percentile(probeFirst, 0.99)], "ms", "≤ 100 ms",
                v => AtMost(100, v));
            report.Add(scenario, $"{label}: new streams (chat and responses) completed", [probeFirst.Count], "streams", $"{FirstByteProbes}", v => v >= FirstByteProbes);
            report.Add(scenario, $"{label}: largest keep-alive gap ÷ period", [gaps.Count == 0 ? double.NaN : gaps.Max() / (keepAlive * 1000.0)], "×", "≤ 1.2",
                v => AtMost(1.2, v));
            report.Scaling.Add(new ScaleRow(scenario, $"{m} streams × {plan.HoldDelayMs / 1000} s", wall, p1.Bridge.CpuSeconds - p0.Bridge.CpuSeconds,
                p1.Bridge.PeakRssBytes / Mb, p1.Devnet.CpuSeconds - p0.Devnet.CpuSeconds,
                $"bench CPU {benchCpu:F1} s; devnet peak {p1.Devnet.PeakRssBytes / Mb:F0} MB" + (resetOk ? "" : "; peak RSS since start")));
            foreach (var error in results.Concat(probed).Where(s => !s.Ok).GroupBy(s => s.Error).OrderByDescending(g => g.Count()).Take(3))
            {
                report.Notes.Add($"Holding {m}: {error.Count()} × {error.Key}");
            }
        }
    }

    private const int FirstByteProbes = 100;

    /// <param name="opened">Signalled once at the first body byte (or at a failure before it).</param>
    /// <param name="responses">POST /v1/responses instead of a chat completion.</param>
    private static async Task<StreamSample> StreamAsync(Cluster c, string content, SemaphoreSlim gate, CancellationToken ct,
        CountdownEvent? opened = null, bool responses = false)
    {
        var signalled = false;
        void Opened()
        {
            if (!signalled && opened is not null)
            {
                signalled = true;
                opened.Signal();
            }
        }
        try
        {
            return await StreamOnceAsync(c, content, gate, responses, Opened, ct);
        }
        finally
        {
            Opened();
        }
    }

    private static async Task<StreamSample> StreamOnceAsync(Cluster c, string content, SemaphoreSlim gate, bool responses, Action opened, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        await gate.WaitAsync(ct);
        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var request = responses ? c.Post("v1/responses", Cluster.ResponsesBody(content)) : c.Post("v1/chat/completions", Cluster.ChatBody(content, stream: true));
            response = await c.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return new StreamSample(false, e.GetType().Name + ": " + e.Message, 0, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        finally
        {
            gate.Release();
        }
        var headersMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return new StreamSample(false, $"HTTP {(int)response.StatusCode}", 0, headersMs);
            }
            var text = new StringBuilder();
            var buffer = new byte[4096];
            var last = Stopwatch.GetTimestamp();
            double maxGap = 0;
            var firstByteMs = double.NaN;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                int n;
                while ((n = await body.ReadAsync(buffer, ct)) > 0)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (double.IsNaN(firstByteMs))
                    {
                        firstByteMs = Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds;
                        opened();
                    }
                    else
                    {
                        // Gaps after the first chunk: the keep-alive period while the network works.
                        maxGap = Math.Max(maxGap, Stopwatch.GetElapsedTime(last, now).TotalMilliseconds);
                    }
                    last = now;
                    text.Append(Encoding.UTF8.GetString(buffer, 0, n));
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                return new StreamSample(false, e.GetType().Name + ": " + e.Message, maxGap, headersMs, firstByteMs);
            }
            var all = text.ToString();
            if (all.Contains("data: {\"error\"", StringComparison.Ordinal) || all.Contains("event: response.failed", StringComparison.Ordinal))
            {
                return new StreamSample(false, "error frame", maxGap, headersMs, firstByteMs);
            }
            // A response cut at max_output_tokens ends with response.incomplete.
            var ended = responses
                ? all.Contains("event: response.completed", StringComparison.Ordinal) || all.Contains("event: response.incomplete", StringComparison.Ordinal)
                : all.Contains("data: [DONE]", StringComparison.Ordinal);
            return ended
                ? new StreamSample(true, null, maxGap, headersMs, firstByteMs)
                : new StreamSample(false, "stream ended without its last event", maxGap, headersMs, firstByteMs);
        }
    }

    // ---------------------------------------------------------------- 4. admission throughput

    public async Task AdmissionAsync(string db, string driver, string? connection)
    {
        var scenario = $"4 admission, {db}";
        using var c = await Cluster.StartAsync(paths, new ClusterSpec { Nodes = 64, DbDriver = driver, DbConnection = connection });
        var acc = new Acc(report, scenario);
        // Warm-up (JIT and tiered recompilation, pools), not counted; then let the engine finish those tasks.
        await ClosedLoopAsync(c, plan.Quick ? 4 : 16, TimeSpan.FromSeconds(plan.Quick ? 1 : 3));
        await c.WaitIdleAsync(TimeSpan.FromSeconds(30));
        for (var r = 0; r < plan.Repeats; r++)
        {
            // Paced: one request at a time with the engine idle in between, to tell admission itself from contention.
            var paced = new List<double>();
            for (var i = 0; i < plan.PacedRequests; i++)
            {
                var (ok, ms) = await RawPostAsync(c, $"paced {r} {i} {Guid.NewGuid():N}");
                if (ok)
                {
                    paced.Add(ms);
                }
                await Task.Delay(300);
            }
            acc.Add("paced, 1 request per 300 ms: admission p50", Measure.Percentile(paced, 0.5), "ms");
            acc.Add("paced, 1 request per 300 ms: admission p99", Measure.Percentile(paced, 0.99), "ms");
            await c.WaitIdleAsync(TimeSpan.FromSeconds(30));
            var best = 0.0;
            foreach (var concurrency in plan.AdmissionConcurrency)
            {
                var p0 = Sample(c);
                var (rps, p50, p99, errors, wall) = await ClosedLoopAsync(c, concurrency, TimeSpan.FromSeconds(plan.AdmissionSeconds));
                var p1 = Sample(c);
                acc.Add($"concurrency {concurrency}: admitted per second", rps, "req/s");
                acc.Add($"concurrency {concurrency}: admission p50", p50, "ms");
                acc.Add($"concurrency {concurrency}: admission p99", p99, "ms", "≤ 50 ms", v => AtMost(50, v));
                acc.Add($"concurrency {concurrency}: errors", errors, "requests", "0", v => v == 0);
                if (p99 <= 50)
                {
                    best = Math.Max(best, rps);
                }
                var drain = Stopwatch.StartNew();
                var drained = await c.WaitIdleAsync(TimeSpan.FromSeconds(plan.Quick ? 15 : 120));
                if (r == plan.Repeats - 1)
                {
                    report.Scaling.Add(new ScaleRow(scenario, $"concurrency {concurrency}, {plan.AdmissionSeconds} s", wall, p1.Bridge.CpuSeconds - p0.Bridge.CpuSeconds,
                        p1.Bridge.PeakRssBytes / Mb, p1.Devnet.CpuSeconds - p0.Devnet.CpuSeconds,
                        $"{rps * wall:F0} tasks admitted; engine drained them in {drain.Elapsed.TotalSeconds:F1} s{(drained ? "" : " (not drained: bound hit)")}"));
                }
            }
            acc.Add("highest rate with p99 ≤ 50 ms", best, "req/s", "≥ 1000 req/s", v => v >= 1000);

            // The same requests while the Relay answers slowly (every call 5 s late): the engine is parked, so this is the
            // admission path alone — how big a burst the bridge takes in durably while the network lags.
            if (r != plan.Repeats - 1)
            {
                continue; // the slow-Relay run leaves a backlog that takes minutes to drain: once is enough
            }
            await c.DevnetPostAsync("devnet/faults", new JsonObject { ["latency_ms"] = 5000 });
            var absorbed = 0.0;
            foreach (var concurrency in plan.BurstConcurrency)
            {
                var (rps, p50, p99, errors, _) = await ClosedLoopAsync(c, concurrency, TimeSpan.FromSeconds(plan.AdmissionSeconds));
                acc.Add($"Relay 5 s slow, concurrency {concurrency}: admitted per second", rps, "req/s");
                acc.Add($"Relay 5 s slow, concurrency {concurrency}: admission p99", p99, "ms");
                acc.Add($"Relay 5 s slow, concurrency {concurrency}: errors", errors, "requests", "0", v => v == 0);
                if (p99 <= 50)
                {
                    absorbed = Math.Max(absorbed, rps);
                }
            }
            acc.Add("Relay 5 s slow: highest rate with p99 ≤ 50 ms (admission alone)", absorbed, "req/s");
            await c.DevnetPostAsync("devnet/faults", new JsonObject());
            var backlog = Stopwatch.StartNew();
            var done = await c.WaitIdleAsync(TimeSpan.FromSeconds(plan.Quick ? 15 : 180));
            report.Notes.Add($"{scenario}: the backlog of the slow-Relay run drained in {backlog.Elapsed.TotalSeconds:F0} s{(done ? "" : " (not drained within the bound)")}.");
        }
        acc.Flush();
    }

    private static async Task<(double Rps, double P50, double P99, int Errors, double Wall)> ClosedLoopAsync(Cluster c, int concurrency, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            var i = 0;
            while (clock.Elapsed < duration)
            {
                var (ok, ms) = await RawPostAsync(c, $"admit {w} {i++} {Guid.NewGuid():N}");
                if (ok)
                {
                    latencies.Add(ms);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var wall = clock.Elapsed.TotalSeconds;
        var list = latencies.ToList();
        return (list.Count / wall, Measure.Percentile(list, 0.5), Measure.Percentile(list, 0.99), errors, wall);
    }

    // ---------------------------------------------------------------- 6. CPU per task

    /// <summary>
    /// The bridge's process CPU seconds per completed chat at 1 (tasks one after another), 100 and 1,000 concurrent tasks,
    /// counted from before the first request until the bridge drives no open task again (so the engine's work after the
    /// answers, and its shared polling meanwhile, are included).
    /// </summary>
    public async Task CpuPerTaskAsync()
    {
        const string scenario = "6 CPU per task";
        using var c = await Cluster.StartAsync(paths, new ClusterSpec { Nodes = 200 });
        var acc = new Acc(report, scenario);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => ChatAsync(c, $"cpu warm {i}", TimeSpan.FromSeconds(60))));
        await c.WaitIdleAsync(TimeSpan.FromSeconds(30));
        for (var r = 0; r < plan.Repeats; r++)
        {
            foreach (var n in plan.CpuConcurrency)
            {
                var before = Sample(c);
                var clock = Stopwatch.StartNew();
                ChatSample[] samples;
                if (n == 1)
                {
                    var sequential = new List<ChatSample>();
                    for (var i = 0; i < plan.CpuSequentialTasks; i++)
                    {
                        sequential.Add(await ChatAsync(c, $"cpu {r} 1 {i}", TimeSpan.FromSeconds(60)));
                    }
                    samples = [.. sequential];
                }
                else
                {
                    samples = await Task.WhenAll(Enumerable.Range(0, n).Select(i => ChatAsync(c, $"cpu {r} {n} {i}", TimeSpan.FromSeconds(180))));
                }
                var drained = await c.WaitIdleAsync(TimeSpan.FromSeconds(60));
                var wall = clock.Elapsed.TotalSeconds;
                var after = Sample(c);
                var completed = samples.Count(s => s.Ok);
                var label = n == 1 ? $"1 concurrent ({plan.CpuSequentialTasks} in a row)" : $"{n} concurrent";
                var cpu = after.Bridge.CpuSeconds - before.Bridge.CpuSeconds;
                acc.Add($"{label}: bridge CPU per completed task", completed > 0 ? cpu / completed * 1000 : double.NaN, "ms");
                acc.Add($"{label}: errors", samples.Length - completed, "requests", "0", v => v == 0);
                if (r == plan.Repeats - 1)
                {
                    report.Scaling.Add(new ScaleRow(scenario, $"{label} chats", wall, cpu, after.Bridge.PeakRssBytes / Mb,
                        after.Devnet.CpuSeconds - before.Devnet.CpuSeconds, drained ? "until the bridge is idle" : "the bridge did not drain in 60 s"));
                }
            }
        }
        acc.Flush();
    }

    private static (ProcSample Bridge, ProcSample Devnet) Sample(Cluster c) => (c.Bridge.Sample(), c.Devnet.Sample());
}
