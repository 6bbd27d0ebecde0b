using System.Collections.Concurrent;

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
