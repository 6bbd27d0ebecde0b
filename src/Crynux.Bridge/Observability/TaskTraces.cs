using System.Collections.Concurrent;
using System.Diagnostics;

namespace Crynux.Bridge.Observability;

/// <summary>
/// Ties a client task's engine work to the trace of the HTTP request that admitted it (W3C traceparent, when the client
/// sent one). The engine drives tasks on its own workers, so the request's span context is remembered at admission and
/// each engine pass starts a span under it; Relay calls and stage spans then nest under the pass. In memory only: a task
/// resumed after a restart gets passes without a parent.
/// </summary>
public sealed class TaskTraces
{
    private readonly ConcurrentDictionary<long, ActivityContext> _parents = new();

    /// <summary>Called on the admitting request: remembers its span, if anything traces it.</summary>
    public void Admitted(long clientTaskId)
    {
        if (Activity.Current is { } request)
        {
            _parents[clientTaskId] = request.Context;
        }
    }

    /// <summary>A span around one engine pass over the task (dispose it when the pass ends); null when nothing listens.</summary>
    public Activity? Drive(long clientTaskId)
    {
        if (!BridgeTelemetry.Source.HasListeners())
        {
            return null;
        }
        var activity = BridgeTelemetry.Source.StartActivity("task pass", ActivityKind.Internal, _parents.GetValueOrDefault(clientTaskId));
        activity?.SetTag("crynux.client_task_id", clientTaskId);
        return activity;
    }

    /// <summary>The task is done here: its context is no longer needed.</summary>
    public void Forget(long clientTaskId) => _parents.TryRemove(clientTaskId, out _);

    /// <summary>A span for a stage that just ended, covering its latency, under the current pass.</summary>
    internal static void Stage(string stage, TimeSpan latency)
    {
        using var activity = BridgeTelemetry.Source.StartActivity("task stage " + stage, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetStartTime(activity.StartTimeUtc - latency);
            activity.SetTag("crynux.stage", stage);
        }
    }
}
