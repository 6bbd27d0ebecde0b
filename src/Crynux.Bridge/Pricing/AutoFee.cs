using System.Numerics;

namespace Crynux.Bridge.Pricing;

/// <summary>
/// The auto fee, a pure function (the inverse of the Relay's queue order, docs/protocol.md §12.8): a task paying
/// <c>priority × node-seconds × VRAM weight</c> GWei sits at that priority in the Relay's queue.
/// <code>
/// vram_weight = max(vram_demand, base_vram) / base_vram
/// fee_gwei    = floor(priority_gwei × estimated_node_seconds × vram_weight)
/// fee_wei     = min(fee_gwei × 10^9, ceiling_wei)
/// </code>
/// </summary>
public static class AutoFee
{
    private static readonly BigInteger WeiPerGwei = BigInteger.Pow(10, 9);

    public static double VramWeight(long vramDemand, long baseVram) => (double)Math.Max(vramDemand, baseVram) / Math.Max(1, baseVram);

    /// <summary>The fee in wei before the ceiling; <paramref name="seconds"/> must be finite and ≥ 0.</summary>
    public static BigInteger UncappedWei(double seconds, BigInteger priorityGwei, long vramDemand, long baseVram)
    {
        if (!double.IsFinite(seconds) || seconds < 0 || priorityGwei < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), "node-seconds and priority must be finite and ≥ 0");
        }
        var billable = (double)priorityGwei * seconds * VramWeight(vramDemand, baseVram);
        return new BigInteger(Math.Floor(billable)) * WeiPerGwei;
    }

    /// <summary>The fee in wei of one Relay task for <paramref name="workload"/>, clamped to <paramref name="ceilingWei"/>.</summary>
    public static BigInteger Wei(TaskWorkload workload, ExecutionTimeCoefficients coefficients, BigInteger priorityGwei, long baseVram, BigInteger ceilingWei)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return BigInteger.Min(UncappedWei(workload.Seconds(coefficients), priorityGwei, workload.VramDemand, baseVram), ceilingWei);
    }
}
