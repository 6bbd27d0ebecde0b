using System.Globalization;
using System.Text.RegularExpressions;

namespace Crynux.Bridge.Bench;

internal static class Measure
{
    /// <summary>Nearest-rank percentile (q in 0..1) of unsorted values; NaN when empty.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 0.5);
}

/// <summary>Cumulative bucket counts of one Prometheus histogram series.</summary>
internal sealed partial class PromHistogram
{
    public SortedDictionary<double, double> Buckets { get; } = [];

    public double Count => Buckets.Count == 0 ? 0 : Buckets[double.PositiveInfinity];

    /// <summary>Every series of <paramref name="name"/> with the label stage="…", keyed by stage.</summary>
    public static Dictionary<string, PromHistogram> ParseStages(string metrics, string name)
    {
        var result = new Dictionary<string, PromHistogram>(StringComparer.Ordinal);
        foreach (Match m in BucketLine().Matches(metrics))
        {
            if (m.Groups["name"].Value != name)
            {
                continue;
            }
            var stage = m.Groups["stage"].Value;
            if (!result.TryGetValue(stage, out var h))
            {
                result[stage] = h = new PromHistogram();
            }
            var le = m.Groups["le"].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups["le"].Value, CultureInfo.InvariantCulture);
            h.Buckets[le] = double.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture);
        }
        return result;
    }

    public PromHistogram Minus(PromHistogram? before)
    {
        var d = new PromHistogram();
        foreach (var (le, v) in Buckets)
        {
            d.Buckets[le] = v - (before is not null && before.Buckets.TryGetValue(le, out var b) ? b : 0);
        }
        return d;
    }

    /// <summary>Quantile estimated by linear interpolation inside the bucket (as Prometheus' histogram_quantile does).</summary>
    public double Quantile(double q)
    {
        var total = Count;
        if (total <= 0)
        {
            return double.NaN;
        }
        var rank = q * total;
        double lower = 0, below = 0;
        foreach (var (le, cumulative) in Buckets)
        {
            if (cumulative >= rank)
            {
                if (double.IsPositiveInfinity(le))
                {
                    return lower;
                }
                var inBucket = cumulative - below;
                return inBucket <= 0 ? le : lower + ((le - lower) * (rank - below) / inBucket);
            }
            lower = le;
            below = cumulative;
        }
        return lower;
    }

    [GeneratedRegex("""^(?<name>[a-z_]+)_bucket\{stage="(?<stage>[^"]+)",le="(?<le>[^"]+)"\} (?<v>[0-9.eE+-]+)$""", RegexOptions.Multiline)]
    private static partial Regex BucketLine();
}
