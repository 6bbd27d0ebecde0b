using System.Globalization;
using System.Numerics;

namespace Crynux.Bridge.Pricing;

/// <summary>
/// Where in the Relay's queue an auto-priced task aims (task.fee_priority): <c>median</c> (the snapshot's median),
/// <c>max</c> (its highest), or a position q from 0 (the back: the lowest priority) to 100 (the front: the highest),
/// written <c>p75</c> or <c>75</c>, interpolated as lowest + ⌊(highest − lowest) × q / 100⌋.
/// </summary>
public sealed record PriorityTarget(string Name, int? Position)
{
    public static readonly PriorityTarget Median = new("median", null);

    /// <summary>The target named by the configuration text, or null when it is none of the forms above.</summary>
    public static PriorityTarget? Parse(string? text)
    {
        var t = (text ?? "").Trim().ToLowerInvariant();
        switch (t)
        {
            case "median":
                return Median;
            case "max":
                return new PriorityTarget("max", 100);
        }
        var digits = t.StartsWith('p') ? t[1..] : t;
        return digits.Length is > 0 and <= 3 && digits.All(char.IsAsciiDigit)
               && int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) is var q and <= 100
            ? new PriorityTarget(t, q)
            : null;
    }

    /// <summary>
    /// The priority in GWei per VRAM-weighted node-second for a task admitted now: from the snapshot when it describes a
    /// non-empty queue, else <paramref name="floorGwei"/>; never below <paramref name="floorGwei"/>.
    /// </summary>
    public BigInteger Resolve(QueuedPriority snapshot, BigInteger floorGwei)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        BigInteger chosen = floorGwei;
        if (snapshot is { Count: > 0, Lowest: { } low, Highest: { } high } && high >= low)
        {
            chosen = Position is { } q ? low + ((high - low) * q / 100) : snapshot.Median ?? low;
        }
        return BigInteger.Max(chosen, floorGwei);
    }
}
