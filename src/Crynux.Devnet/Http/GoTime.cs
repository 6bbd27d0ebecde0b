using System.Globalization;

namespace Crynux.Devnet.Http;

/// <summary>Go's time.RFC3339Nano rendering (fraction with trailing zeros trimmed), always in UTC.</summary>
internal static class GoTime
{
    public static string Format(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var ticks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (ticks != 0)
        {
            text += "." + (ticks * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        }
        return text + "Z";
    }
}
