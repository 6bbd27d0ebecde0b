using System.Globalization;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Observability;

/// <summary>
/// Per-key spend and outcome counters. The label is the key's id (a number the operator's keys bound), never the key.
/// Fees are counted in whole GWei (the sub-GWei rest of a wei fee is in the database's totals, not here).
/// </summary>
public static class KeyMetrics
{
    public const string Outcomes = "crynux_bridge_key_tasks_total";
    public const string Charged = "crynux_bridge_key_fees_charged_gwei_total";
    public const string Refunded = "crynux_bridge_key_fees_refunded_gwei_total";

    public static void Publish(BridgeMetrics metrics, IEnumerable<SpendEvent> events)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            var key = $"key_id=\"{e.KeyId.ToString(CultureInfo.InvariantCulture)}\"";
            switch (e.Kind)
            {
                case SpendEventKind.Success:
                    metrics.Count(Outcomes, key + ",outcome=\"success\"");
                    break;
                case SpendEventKind.Failure:
                    metrics.Count(Outcomes, key + ",outcome=\"failure\"");
                    break;
                case SpendEventKind.Charged:
                    metrics.Count(Charged, key, e.Gwei);
                    break;
                default:
                    metrics.Count(Refunded, key, e.Gwei);
                    break;
            }
        }
    }
}
