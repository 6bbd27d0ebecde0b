using System.Diagnostics;

namespace Crynux.Bridge.Bench;

/// <summary>
/// 3b. Streams that answer at once and keep-alives from one shared ticker: N chat streams wait on a network whose few
/// nodes take minutes, so every stream stays idle; the time to the first SSE byte (the burst, then new streams while N are
/// open, once right after the burst and once when the engine has settled) and, over a window after all are open, the
/// largest gap between a stream's frames against the keep-alive period. The streams are then dropped (their tasks stay
/// queued; the cluster is torn down).
/// </summary>
internal sealed partial class Scenarios
{
    public async Task KeepAliveAsync()
    {
        const string scenario = "3b first byte and keep-alive";
        var period = plan.KeepAliveSeconds;
        foreach (var m in plan.HoldStreams)
        {
            using var c = await Cluster.StartAsync(paths, new ClusterSpec { Nodes = 8, DelayMs = 600_000, KeepAliveSeconds = period });
            using var gate = new SemaphoreSlim(256);
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(plan.Quick ? 2 : 10));
            using var opened = new CountdownEvent(m);
            var window = new GapWindow();
            var held = Enumerable.Range(0, m).Select(i => IdleStreamAsync(c, false, gate, opened, window, stop.Token)).ToList();
            await Task.Run(() => opened.Wait(stop.Token), stop.Token);
            var probes = await ProbeAsync(c, gate, stop.Token);
            // Gaps count from here: every stream has had its first chunk; 2 s to settle after the burst.
            await Task.Delay(TimeSpan.FromSeconds(2), stop.Token);
            window.Open();
            // At least three periods (the gap is read between frames inside the window).
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(plan.Quick ? 4 : 15, 3 * period + 1)), stop.Token);
            window.Close();
            // Again once the engine has settled (the burst's Relay tasks created, the rest waiting in the database): the
            // usual state of many streams on long tasks.
            var settledProbes = await ProbeAsync(c, gate, stop.Token);
            await stop.CancelAsync();
            var samples = await Task.WhenAll(held);
            var probed = await Task.WhenAll(probes);
            var settled = await Task.WhenAll(settledProbes);

            var label = $"{m} idle streams, keep-alive {period} s";
            var first = samples.Where(s => !double.IsNaN(s.FirstByteMs)).Select(s => s.FirstByteMs).ToList();
            report.Add(scenario, $"{label}: opened (first chunk received)", [first.Count], "streams", $"{m}", v => v >= m);
            report.Add(scenario, $"{label}: first SSE byte p50, the burst of {m} (from sending)", [Measure.Percentile(first, 0.5)], "ms");
            report.Add(scenario, $"{label}: first SSE byte p99, the burst of {m} (from sending)", [Measure.Percentile(first, 0.99)], "ms");
            var probeFirst = probed.Where(s => !double.IsNaN(s.FirstByteMs)).Select(s => s.FirstByteMs).ToList();
            report.Add(scenario, $"{label}: first SSE byte p50, new chat/responses streams while {m} are open", [Measure.Percentile(probeFirst, 0.5)], "ms");
            report.Add(scenario, $"{label}: first SSE byte p99, new chat/responses streams while {m} are open", [Measure.Percentile(probeFirst, 0.99)], "ms",
                "≤ 100 ms", v => AtMost(100, v));
            var settledFirst = settled.Where(s => !double.IsNaN(s.FirstByteMs)).Select(s => s.FirstByteMs).ToList();
            report.Add(scenario, $"{label}: first SSE byte p50, new streams while {m} are open, engine settled", [Measure.Percentile(settledFirst, 0.5)], "ms");
            report.Add(scenario, $"{label}: first SSE byte p99, new streams while {m} are open, engine settled", [Measure.Percentile(settledFirst, 0.99)], "ms",
                "≤ 100 ms", v => AtMost(100, v));
            var gaps = samples.Select(s => s.MaxGapMs).Where(g => g > 0).ToList();
            report.Add(scenario, $"{label}: streams with frames in the window", [gaps.Count], "streams", $"{m}", v => v >= m);
            report.Add(scenario, $"{label}: largest gap in the window (any stream)", [gaps.Count == 0 ? double.NaN : gaps.Max()], "ms");
            report.Add(scenario, $"{label}: p99 of per-stream largest gap", [Measure.Percentile(gaps, 0.99)], "ms");
            report.Add(scenario, $"{label}: largest gap ÷ period", [gaps.Count == 0 ? double.NaN : gaps.Max() / (period * 1000.0)], "×", "≤ 1.2",
                v => AtMost(1.2, v));
            report.Add(scenario, $"{label}: bridge peak RSS", [c.Bridge.Sample().PeakRssBytes / Mb], "MB");
            foreach (var error in samples.Concat(probed).Concat(settled).Where(s => s.Error is not null).GroupBy(s => s.Error).OrderByDescending(g => g.Count()).Take(3))
            {
                report.Notes.Add($"Keep-alive {m}: {error.Count()} × {error.Key}");
            }
        }
    }

    /// <summary>New streams (chat and responses in turn, one every 20 ms), returned once each has its first byte.</summary>
    private static async Task<List<Task<IdleSample>>> ProbeAsync(Cluster c, SemaphoreSlim gate, CancellationToken stop)
    {
        using var opened = new CountdownEvent(FirstByteProbes);
        var probes = new List<Task<IdleSample>>();
        for (var i = 0; i < FirstByteProbes; i++)
        {
            probes.Add(IdleStreamAsync(c, i % 2 == 1, gate, opened, null, stop));
            await Task.Delay(20, stop);
        }
        await Task.Run(() => opened.Wait(stop), stop);
        return probes;
    }

    private sealed record IdleSample(double FirstByteMs, double MaxGapMs, string? Error);

    /// <summary>The measurement window for gaps (a gap counts when both of its frames fall inside).</summary>
    private sealed class GapWindow
    {
        private long _from = long.MaxValue;
        private long _to = long.MaxValue;

        public void Open() => Volatile.Write(ref _from, Stopwatch.GetTimestamp());

        public void Close() => Volatile.Write(ref _to, Stopwatch.GetTimestamp());

        public bool Holds(long previous, long now) => previous >= Volatile.Read(ref _from) && now <= Volatile.Read(ref _to);
    }

    /// <summary>Opens a stream, signals at its first byte, records the largest gap inside the window, and reads until stopped.</summary>
    private static async Task<IdleSample> IdleStreamAsync(Cluster c, bool responses, SemaphoreSlim gate, CountdownEvent opened, GapWindow? window,
        CancellationToken stop)
    {
        var firstByteMs = double.NaN;
        double maxGap = 0;
        string? error = null;
        var signalled = false;
        try
        {
            await gate.WaitAsync(stop);
            var sent = Stopwatch.GetTimestamp();
            HttpResponseMessage response;
            try
            {
                using var request = responses ? c.Post("v1/responses", Cluster.ResponsesBody("idle")) : c.Post("v1/chat/completions", Cluster.ChatBody("idle", stream: true));
                response = await c.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
            }
            finally
            {
                gate.Release();
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    return new IdleSample(double.NaN, 0, $"HTTP {(int)response.StatusCode}");
                }
                await using var body = await response.Content.ReadAsStreamAsync(stop);
                var buffer = new byte[4096];
                var last = 0L;
                while (await body.ReadAsync(buffer, stop) > 0)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (double.IsNaN(firstByteMs))
                    {
                        firstByteMs = Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds;
                        signalled = true;
                        opened.Signal();
                    }
                    else if (window is not null && window.Holds(last, now))
                    {
                        maxGap = Math.Max(maxGap, Stopwatch.GetElapsedTime(last, now).TotalMilliseconds);
                    }
                    last = now;
                }
                error = "the stream ended while the task was still running";
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The end of the measurement.
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            error = e.GetType().Name + ": " + e.Message;
        }
        finally
        {
            if (!signalled)
            {
                opened.Signal();
            }
        }
        return new IdleSample(firstByteMs, maxGap, error);
    }
}
