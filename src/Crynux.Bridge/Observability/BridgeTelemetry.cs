using System.Diagnostics;

namespace Crynux.Bridge.Observability;

/// <summary>The bridge's trace source: a span per Relay call, per engine pass over a task and per task stage.</summary>
public static class BridgeTelemetry
{
    public const string SourceName = "Crynux.Bridge";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>A client span around one Relay call (all its attempts); null when nothing listens.</summary>
    public static Activity? StartRelayCall(string endpoint)
    {
        var activity = Source.StartActivity("relay " + endpoint, ActivityKind.Client);
        activity?.SetTag("crynux.relay.endpoint", endpoint);
        return activity;
    }
}
