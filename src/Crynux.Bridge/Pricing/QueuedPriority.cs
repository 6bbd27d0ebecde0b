using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Crynux.Bridge.Pricing;

/// <summary>
/// The Relay's queue snapshot (<c>GET /v2/tasks/queued/priority</c>): how many tasks wait and the highest, median and
/// lowest priority among them, in GWei per VRAM-weighted node-second (null when the queue was empty).
/// </summary>
public sealed record QueuedPriority(DateTimeOffset FetchedAt, long AsOf, long Count, BigInteger? Highest, BigInteger? Median, BigInteger? Lowest)
{
    public static QueuedPriority Read(JsonElement data, DateTimeOffset fetchedAt)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the Relay's queued-priority answer is not an object");
        }
        var count = data.TryGetProperty("queued_task_count", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var n) && n >= 0
            ? n
            : throw new FormatException("the Relay's queued-priority answer has no queued_task_count");
        var asOf = data.TryGetProperty("as_of", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt64(out var t) ? t : 0;
        return new QueuedPriority(fetchedAt, asOf, count, Gwei(data, "highest_priority_gwei"), Gwei(data, "median_priority_gwei"), Gwei(data, "lowest_priority_gwei"));
    }

    /// <summary>A decimal string of GWei, or null; anything else is not the Relay's answer.</summary>
    private static BigInteger? Gwei(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        return text.Length is > 0 and <= 40 && text.All(char.IsAsciiDigit)
            ? BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : throw new FormatException($"the Relay's {name} is not a decimal string: {value.GetRawText()}");
    }
}
