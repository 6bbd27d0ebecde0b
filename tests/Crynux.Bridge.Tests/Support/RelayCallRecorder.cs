using System.Collections.Concurrent;

namespace Crynux.Bridge.Tests.Support;

/// <summary>
/// Sits between the bridge and the Relay and notes when each GET about one task (the task, or one of its results) was
/// sent, to check the Relay's limit of 2 requests a second per task.
/// </summary>
public sealed class RelayCallRecorder(TimeProvider? time = null) : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentQueue<(string Commitment, DateTimeOffset At)> _gets = new();
    private readonly ConcurrentQueue<(string Method, string Path, DateTimeOffset At)> _calls = new();

    /// <summary>Every call, in order, with the time (on the given clock) it was sent.</summary>
    public IReadOnlyList<(string Method, string Path, DateTimeOffset At)> Calls => [.. _calls];

    private readonly ConcurrentQueue<(string Path, int Items)> _batches = new();

    /// <summary>Every batch request (2026) with its number of items, in order.</summary>
    public IReadOnlyList<(string Path, int Items)> Batches => [.. _batches];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.Contains("/inference_tasks/batch", StringComparison.Ordinal) && request.Content is not null)
        {
            using var body = System.Text.Json.JsonDocument.Parse(await request.Content.ReadAsStringAsync(cancellationToken));
            var list = body.RootElement.TryGetProperty("items", out var items) ? items : body.RootElement.GetProperty("task_id_commitments");
            _batches.Enqueue((request.RequestUri.AbsolutePath, list.GetArrayLength()));
        }
        var segments = request.RequestUri!.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var now = _time.GetUtcNow();
        _calls.Enqueue((request.Method.Method, request.RequestUri.AbsolutePath, now));
        if (request.Method == HttpMethod.Get && segments.Length >= 3 && segments[1] == "inference_tasks" && segments[2].StartsWith("0x", StringComparison.Ordinal))
        {
            _gets.Enqueue((segments[2], now));
        }
        return await base.SendAsync(request, cancellationToken);
    }

    public int GetCount => _gets.Count;

    /// <summary>The most GETs about one task inside any one second, and which task.</summary>
    public (int Most, string Commitment) MostGetsInOneSecond()
    {
        var most = (0, "");
        foreach (var task in _gets.GroupBy(g => g.Commitment))
        {
            var times = task.Select(g => g.At).Order().ToList();
            for (int i = 0, j = 0; i < times.Count; i++)
            {
                while (times[i] - times[j] >= TimeSpan.FromSeconds(1))
                {
                    j++;
                }
                if (i - j + 1 > most.Item1)
                {
                    most = (i - j + 1, task.Key);
                }
            }
        }
        return most;
    }
}
