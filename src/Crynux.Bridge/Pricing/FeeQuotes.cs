using System.Collections.Concurrent;
using System.Numerics;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Pricing;

/// <summary>
/// Prices tasks whose fee is the operator's default (task.fee_mode auto): the Relay's execution-time coefficients for the
/// task's model and hardware × a priority from the Relay's queue snapshot (task.fee_priority), by <see cref="AutoFee"/>.
/// Both are cached and refreshed by <see cref="FeeQuoteRefresher"/>; a miss is fetched once, inline. Whenever the Relay
/// cannot answer (a 2025 Relay without the routes, an outage, an unreadable answer) the task gets the fixed fee, logged
/// and counted in crynux_bridge_fee_fallbacks_total.
/// </summary>
public sealed class FeeQuotes(RelayClient relay, BridgeOptions options, BridgeMetrics metrics, TimeProvider time, ILogger<FeeQuotes> log)
{
    /// <summary>How long an inline fetch may hold a request before the fixed fee is used instead.</summary>
    private static readonly TimeSpan InlineTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Coefficients not used for this long are no longer refreshed (and fetched again when next needed).</summary>
    private static readonly TimeSpan KeepUnused = TimeSpan.FromHours(1);

    private readonly PriorityTarget _target = PriorityTarget.Parse(options.Task.FeePriority) ?? PriorityTarget.Median;
    private readonly ConcurrentDictionary<CoefficientQuery, Cached<ExecutionTimeCoefficients>> _coefficients = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _warned = new(StringComparer.Ordinal);
    private readonly Cached<QueuedPriority> _snapshot = new();

    public bool AutoMode => options.Task.FeeMode == "auto";

    private TimeSpan Refresh => TimeSpan.FromSeconds(options.Task.FeeRefreshSeconds);

    /// <summary>A cached answer is used until three refresh periods passed without a successful fetch.</summary>
    private TimeSpan StaleAfter => Refresh * 3;

    /// <summary>After a failed fetch, requests use the fixed fee without asking again for this long.</summary>
    private TimeSpan RetryAfter => Refresh < TimeSpan.FromSeconds(30) ? Refresh : TimeSpan.FromSeconds(30);

    /// <summary>The last queue snapshot read from the Relay, if any (for diagnostics).</summary>
    public QueuedPriority? Snapshot => _snapshot.Value;

    /// <summary>The fee of one Relay task whose fee is the operator's: auto where possible, else <paramref name="fixedWei"/>.</summary>
    public async Task<FeeQuote> QuoteAsync(TaskSpec spec, BigInteger fixedWei, BigInteger ceilingWei, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!AutoMode)
        {
            return new FeeQuote(fixedWei, FeeQuote.Fixed);
        }
        var workload = TaskWorkload.From(spec);
        if (workload is null)
        {
            // Fine-tune tasks have no execution-time API (their creator sets the timeout): the fixed fee is the rule, not a fallback.
            return spec.Type == Data.TaskType.StableDiffusionFinetune
                ? new FeeQuote(fixedWei, FeeQuote.Fixed)
                : Fallback(fixedWei, "unpriceable", "its task_args do not say what the Relay prices a task by");
        }
        var snapshot = await GetAsync(_snapshot, relay.GetQueuedPriorityAsync, ct);
        if (snapshot.Value is null)
        {
            return Fallback(fixedWei, snapshot.Reason, snapshot.Detail);
        }
        var entry = _coefficients.GetOrAdd(workload.Query, _ => new Cached<ExecutionTimeCoefficients>());
        entry.LastUsed = time.GetUtcNow();
        var coefficients = await GetAsync(entry, token => relay.GetExecutionTimeAsync(workload.Query, token), ct);
        if (coefficients.Value is null)
        {
            return Fallback(fixedWei, coefficients.Reason, coefficients.Detail);
        }
        var priority = _target.Resolve(snapshot.Value, options.Task.FeeMinPriorityGwei);
        var seconds = workload.Seconds(coefficients.Value);
        var fee = AutoFee.Wei(workload, coefficients.Value, priority, options.Task.FeeBaseVram, ceilingWei);
        return new FeeQuote(fee, FeeQuote.Auto, null, seconds, priority);
    }

    /// <summary>Fetches the queue snapshot and every coefficient set used within the last hour again (the refresher's pass).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        if (!AutoMode)
        {
            return;
        }
        await FetchAsync(_snapshot, relay.GetQueuedPriorityAsync, ct);
        var now = time.GetUtcNow();
        foreach (var (query, entry) in _coefficients)
        {
            if (now - entry.LastUsed > KeepUnused)
            {
                _coefficients.TryRemove(query, out _);
                continue;
            }
            await FetchAsync(entry, token => relay.GetExecutionTimeAsync(query, token), ct);
        }
    }

    private async Task<(T? Value, string Reason, string Detail)> GetAsync<T>(Cached<T> cached, Func<CancellationToken, Task<T>> fetch, CancellationToken ct)
        where T : class
    {
        var now = time.GetUtcNow();
        if (cached.Value is { } fresh && now - cached.FetchedAt <= StaleAfter)
        {
            return (fresh, "", "");
        }
        if (cached.FailedAt is { } failed && now - failed < RetryAfter)
        {
            return (null, cached.FailureReason, cached.FailureDetail);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(InlineTimeout);
        await FetchAsync(cached, fetch, timeout.Token);
        ct.ThrowIfCancellationRequested();
        return cached.Value is { } value && cached.FailedAt is null ? (value, "", "") : (null, cached.FailureReason, cached.FailureDetail);
    }

    /// <summary>One fetch into <paramref name="cached"/>; a failure is remembered (the previous value stays until stale).</summary>
    private async Task FetchAsync<T>(Cached<T> cached, Func<CancellationToken, Task<T>> fetch, CancellationToken ct) where T : class
    {
        try
        {
            var value = await fetch(ct);
            cached.Store(value, time.GetUtcNow());
        }
        catch (RelayException e) when (e.RouteMissing)
        {
            cached.Fail(time.GetUtcNow(), "relay_without_pricing", "the Relay has no /v2 pricing routes (an older Relay)");
        }
        catch (Exception e) when (e is RelayException or FormatException or System.Text.Json.JsonException or OperationCanceledException)
        {
            // A cancelled fetch (the inline time limit, or shutdown) counts as no answer; the caller rethrows its own cancellation.
            cached.Fail(time.GetUtcNow(), "relay_unavailable", "the Relay's pricing routes did not answer: " + e.Message);
        }
    }

    private FeeQuote Fallback(BigInteger fixedWei, string reason, string detail)
    {
        metrics.Count("crynux_bridge_fee_fallbacks_total", $"reason=\"{reason}\"");
        var now = time.GetUtcNow();
        // Logged once a minute per reason: a Relay without the routes would otherwise log every task.
        if (!_warned.TryGetValue(reason, out var last) || now - last >= TimeSpan.FromMinutes(1))
        {
            _warned[reason] = now;
            log.LogWarning("task.fee_mode is auto but this task gets the fixed fee: {Detail}", detail);
        }
        return new FeeQuote(fixedWei, FeeQuote.Fixed, reason);
    }

    /// <summary>One cached Relay answer with the time of its last success and of the last failure after it.</summary>
    private sealed class Cached<T> where T : class
    {
        private readonly Lock _gate = new();

        public T? Value { get; private set; }
        public DateTimeOffset FetchedAt { get; private set; }
        public DateTimeOffset? FailedAt { get; private set; }
        public string FailureReason { get; private set; } = "";
        public string FailureDetail { get; private set; } = "";
        public DateTimeOffset LastUsed { get; set; }

        public void Store(T value, DateTimeOffset now)
        {
            lock (_gate)
            {
                Value = value;
                FetchedAt = now;
                FailedAt = null;
            }
        }

        public void Fail(DateTimeOffset now, string reason, string detail)
        {
            lock (_gate)
            {
                FailedAt = now;
                FailureReason = reason;
                FailureDetail = detail;
            }
        }
    }
}
