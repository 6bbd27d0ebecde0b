namespace Crynux.Bridge.Data;

/// <summary>A key's expiry (unix seconds); a key that never expires stores the last second of year 9999.</summary>
public static class KeyExpiry
{
    public const long Never = 253_402_300_799;

    public static bool IsNever(long expiresAt) => expiresAt >= Never;

    /// <summary>RFC 3339 in UTC, or null for a key that never expires.</summary>
    public static string? Format(long expiresAt) =>
        IsNever(expiresAt) ? null : DateTimeOffset.FromUnixTimeSeconds(expiresAt).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
