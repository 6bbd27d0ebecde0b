using System.Globalization;

namespace Crynux.Bridge.Tests.Support;

/// <summary>Counter values as an operator sees them: scraped from the bridge's /metrics.</summary>
internal static class MetricValues
{
    /// <summary>The sum of the samples of a counter whose labels include every pair of <paramref name="labels"/> (Prometheus style).</summary>
    public static async Task<long> CounterAsync(TestBridge bridge, string name, string labels)
    {
        var text = await bridge.Http.GetStringAsync(new Uri(bridge.BaseUrl, "metrics"), TestContext.Current.CancellationToken);
        var wanted = labels.Length == 0 ? [] : labels.Split(',');
        long sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal))
            {
                continue;
            }
            var close = line.IndexOf('}', StringComparison.Ordinal);
            var present = line[(name.Length + 1)..close].Split(',');
            if (wanted.All(present.Contains))
            {
                sum += (long)double.Parse(line[(close + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return sum;
    }
}
