using System.Text.Json;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Relay;

/// <summary>The Relay's public pricing views (docs/protocol.md §12.7, §12.8): unsigned GETs, one attempt each.</summary>
public sealed partial class RelayClient
{
    /// <summary>
    /// <c>GET /v2/models/{sd,llm}/execution-time</c> for one model and hardware selection. Throws <see cref="RelayException"/>
    /// (RouteMissing on a Relay without the route) or <see cref="FormatException"/> for coefficients that are not finite and ≥ 0.
    /// </summary>
    public async Task<ExecutionTimeCoefficients> GetExecutionTimeAsync(CoefficientQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var data = await SendAsync("execution_time", 1, () => new HttpRequestMessage(HttpMethod.Get, query.PathAndQuery()), ReadData<JsonElement>, ct);
        return ExecutionTimeCoefficients.Read(query.Type, data);
    }

    /// <summary><c>GET /v2/tasks/queued/priority</c>: the Relay's snapshot of its queue's priorities, in GWei.</summary>
    public async Task<QueuedPriority> GetQueuedPriorityAsync(CancellationToken ct)
    {
        var data = await SendAsync("queued_priority", 1, () => new HttpRequestMessage(HttpMethod.Get, "v2/tasks/queued/priority"), ReadData<JsonElement>, ct);
        return QueuedPriority.Read(data, _time.GetUtcNow());
    }
}
