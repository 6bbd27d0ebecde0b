using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Crynux.Devnet.Http;

/// <summary>Relay request counters, total and per route, split into client and simulated-node requests.</summary>
public sealed class RequestCounters
{
    private readonly ConcurrentDictionary<string, long> _byRoute = new(StringComparer.Ordinal);
    private long _client;
    private long _node;
    private long _faulted;

    public long Total => Interlocked.Read(ref _client) + Interlocked.Read(ref _node);
    public long ClientRequests => Interlocked.Read(ref _client);
    public long NodeRequests => Interlocked.Read(ref _node);

    /// <summary>Client requests answered with an injected fault.</summary>
    public long FaultedRequests => Interlocked.Read(ref _faulted);

    /// <summary>"METHOD /route/{pattern}" → count, client and node requests together.</summary>
    public IReadOnlyDictionary<string, long> ByRoute => new Dictionary<string, long>(_byRoute, StringComparer.Ordinal);

    internal void Count(string route, bool fromNode)
    {
        _byRoute.AddOrUpdate(route, 1, (_, n) => n + 1);
        Interlocked.Increment(ref fromNode ? ref _node : ref _client);
    }

    internal void CountFault() => Interlocked.Increment(ref _faulted);

    public void Reset()
    {
        _byRoute.Clear();
        Interlocked.Exchange(ref _client, 0);
        Interlocked.Exchange(ref _node, 0);
        Interlocked.Exchange(ref _faulted, 0);
    }
}

/// <summary>Run-time fault state: the knobs of <see cref="FaultOptions"/>, mutable through DevnetControl.</summary>
internal sealed class FaultState(FaultOptions initial, int seed)
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(seed);
    private FaultOptions _options = initial;
    private int _failNext = initial.FailNextRequests;

    public FaultOptions Options
    {
        get { lock (_gate) { return _options with { FailNextRequests = _failNext }; } }
        set { lock (_gate) { _options = value; _failNext = value.FailNextRequests; } }
    }

    public (TimeSpan Latency, int? FailStatus) Next()
    {
        lock (_gate)
        {
            var fail = _failNext > 0 || (_options.FailureRate > 0 && _random.NextDouble() < _options.FailureRate);
            if (_failNext > 0)
            {
                _failNext--;
            }
            return (_options.AddedLatency, fail ? _options.FailureStatusCode : null);
        }
    }
}

/// <summary>Middleware: counts Relay requests per route and injects fault rules, latency and 5xx into client requests.</summary>
internal static class RequestGate
{
    /// <summary>Header the simulated nodes send, so their traffic is counted apart and never faulted.</summary>
    public const string NodeHeader = "X-Devnet-Node";

    public static void Use(IApplicationBuilder app, RequestCounters counters, FaultState faults, FaultRules rules) => app.Use(async (ctx, next) =>
    {
        if (ctx.Request.Path.StartsWithSegments("/devnet"))
        {
            await next(ctx);
            return;
        }
        var route = (ctx.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
        var fromNode = ctx.Request.Headers.ContainsKey(NodeHeader);
        counters.Count($"{ctx.Request.Method} {route}", fromNode);
        if (!fromNode && rules.Take(FaultRoutes.Classify(ctx.Request.Method, ctx.Request.Path)) is { } rule)
        {
            if (rule.Kind != FaultKind.Delay)
            {
                counters.CountFault();
            }
            await FaultResponses.ApplyAsync(ctx, next, rule);
            return;
        }
        if (!fromNode)
        {
            var (latency, failStatus) = faults.Next();
            if (latency > TimeSpan.Zero)
            {
                // Wall-clock on purpose: this imitates network latency, not Relay time.
                await Task.Delay(latency, ctx.RequestAborted);
            }
            if (failStatus is { } status)
            {
                counters.CountFault();
                await RelayResponses.Write(status, new JsonObject { ["message"] = "devnet injected fault" }).ExecuteAsync(ctx);
                return;
            }
        }
        await next(ctx);
    });
}
