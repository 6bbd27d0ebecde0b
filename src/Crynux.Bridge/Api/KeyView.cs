using System.Globalization;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Api;

/// <summary>A key as the key lists show it.</summary>
public static class KeyView
{
    public static Schemas.ApiKeyInfo From(KeyUsageRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new Schemas.ApiKeyInfo(
            row.Id.ToString(CultureInfo.InvariantCulture),
            row.ClientId,
            Preview(row.KeyPrefix),
            row.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries),
            row.UseLimit > 0 ? row.UseLimit : null,
            row.UsedCount,
            row.RateLimit > 0 ? row.RateLimit : null,
            KeyExpiry.Format(row.ExpiresAt),
            row.SpendLimitGwei is { } limit ? SpendLimit.Cnx(limit) : null,
            row.SpentWei.ToString(CultureInfo.InvariantCulture),
            row.Models is null ? null : System.Text.Json.JsonSerializer.Deserialize<List<string>>(row.Models),
            Time(row.CreatedAt),
            (long)row.Tasks,
            (long)row.Successes,
            (long)row.Failures);
    }

    public static Schemas.SpendDay From(SpendDayRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new Schemas.SpendDay(DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)row.Day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            (long)row.Tasks, (long)row.Successes, (long)row.Failures, row.SpentWei.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Stored previews read "abcd...wxyz"; keys made before them stored their first 8 characters, shown as "abcd...".</summary>
    private static string Preview(string stored) => stored.Contains("...", StringComparison.Ordinal) || stored.Contains('*', StringComparison.Ordinal)
        ? stored
        : (stored.Length > 4 ? stored[..4] : stored) + "...";

    private static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
