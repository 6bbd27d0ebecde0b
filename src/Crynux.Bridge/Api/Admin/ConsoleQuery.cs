using System.Globalization;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Api.Admin;

/// <summary>Parses the console's task filters; anything malformed is a 400 naming the parameter, before any query runs.</summary>
public static class ConsoleQuery
{
    public const int MaxLimit = 500;
    public const int MaxOffset = 1_000_000;
    private static readonly string[] Known = ["auth", "key_id", "client_id", "status", "model", "from", "to", "limit", "offset"];
    private static readonly string[] Statuses = [ClientTaskStatus.Running, ClientTaskStatus.Success, ClientTaskStatus.Failed];

    public static (TaskFilter Filter, int Limit, int Offset) Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        foreach (var name in query.Keys)
        {
            if (!Known.Contains(name, StringComparer.Ordinal))
            {
                throw Bad(name, $"unknown filter '{name}'; filters: {string.Join(", ", Known.Skip(1))}");
            }
            if (query[name].Count > 1)
            {
                throw Bad(name, $"{name} may be given once");
            }
        }
        var keyId = Integer(query, "key_id", 1, long.MaxValue);
        var clientId = Text(query, "client_id", 255);
        var status = Text(query, "status", 16);
        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            throw Bad("status", $"status must be one of {string.Join(", ", Statuses)}");
        }
        var model = Text(query, "model", 200);
        var from = Time(query, "from");
        var to = Time(query, "to");
        if (from is not null && to is not null && from > to)
        {
            throw Bad("from", "from must not be after to");
        }
        var limit = (int)(Integer(query, "limit", 1, MaxLimit) ?? 50);
        var offset = (int)(Integer(query, "offset", 0, MaxOffset) ?? 0);
        return (new TaskFilter(keyId, clientId, status, model, from, to), limit, offset);
    }

    private static ProblemException Bad(string field, string message) => new(Problem.BadRequest(field, message));

    private static long? Integer(IQueryCollection query, string name, long min, long max)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Bad(name, $"{name} must be an integer from {min} to {max}");
    }

    private static string? Text(IQueryCollection query, string name, int maxLength)
    {
        var text = query[name].ToString().Trim();
        if (text.Length == 0)
        {
            return null;
        }
        return text.Length <= maxLength && !text.Any(char.IsControl) ? text : throw Bad(name, $"{name} must be at most {maxLength} printable characters");
    }

    /// <summary>Unix seconds or an RFC 3339 time; returned as unix milliseconds.</summary>
    private static long? Time(IQueryCollection query, string name)
    {
        var text = query[name].ToString().Trim();
        if (text.Length == 0)
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253_402_300_799)
        {
            return seconds * 1000;
        }
        if (text.Contains('T', StringComparison.Ordinal) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.ToUnixTimeMilliseconds();
        }
        throw Bad(name, $"{name} must be unix seconds or an RFC 3339 time (2026-12-02T10:00:00Z)");
    }
}
