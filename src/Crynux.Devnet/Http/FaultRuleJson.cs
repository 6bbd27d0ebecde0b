using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>The JSON form of a fault rule on the admin API (POST/GET /devnet/faults).</summary>
internal static class FaultRuleJson
{
    private static readonly Dictionary<string, FaultKind> Kinds = new(StringComparer.Ordinal)
    {
        ["status"] = FaultKind.Status,
        ["html"] = FaultKind.Html,
        ["garbage"] = FaultKind.Garbage,
        ["reset"] = FaultKind.Reset,
        ["truncate"] = FaultKind.Truncate,
        ["delay"] = FaultKind.Delay,
    };

    /// <summary>A body naming a route or kind is a rule; anything else is the older FaultOptions form.</summary>
    public static bool IsRule(JsonObject body) => body.ContainsKey("route") || body.ContainsKey("kind") || body.ContainsKey("timing");

    public static bool TryParse(JsonObject body, [NotNullWhen(true)] out FaultRule? rule, [NotNullWhen(false)] out string? error)
    {
        rule = null;
        error = null;
        var route = String(body, "route");
        var kind = String(body, "kind");
        var timing = String(body, "timing") ?? "after";
        if (!FaultRoutes.IsKnown(route))
        {
            error = $"route must be one of {string.Join(", ", FaultRoutes.Names)}";
        }
        else if (kind is null || !Kinds.TryGetValue(kind, out var faultKind))
        {
            error = $"kind must be one of {string.Join(", ", Kinds.Keys)}";
        }
        else if (timing is not ("after" or "before"))
        {
            error = "timing must be after or before";
        }
        else if (!TryInt(body, "status", out var status) || !TryInt(body, "count", out var count)
            || !TryInt(body, "delay_ms", out var delay) || !TryDouble(body, "for_seconds", out var forSeconds))
        {
            error = "status, count and delay_ms must be whole numbers and for_seconds a number";
        }
        else
        {
            var parsed = new FaultRule
            {
                Route = route!,
                Kind = faultKind,
                Timing = timing == "before" ? FaultTiming.BeforeHandling : FaultTiming.AfterHandling,
                Count = count ?? 1,
                DelayMs = delay ?? 0,
                // Clamped so that a huge window cannot overflow TimeSpan; a zero or negative one fails Validate.
                For = forSeconds is { } s ? TimeSpan.FromSeconds(Math.Min(s, 1e9)) : null,
            };
            if (status is { } code)
            {
                parsed = parsed with { StatusCode = code };
            }
            try
            {
                parsed.Validate();
                rule = parsed;
                return true;
            }
            catch (ArgumentException e)
            {
                error = e.Message;
            }
        }
        return false;
    }

    public static JsonObject From(ActiveFault fault) => new()
    {
        ["id"] = fault.Id,
        ["route"] = fault.Rule.Route,
        ["kind"] = Kinds.First(k => k.Value == fault.Rule.Kind).Key,
        ["timing"] = fault.Rule.Timing == FaultTiming.BeforeHandling ? "before" : "after",
        ["status"] = fault.Rule.StatusCode,
        ["count"] = fault.Rule.Count,
        ["for_seconds"] = fault.Rule.For?.TotalSeconds,
        ["delay_ms"] = fault.Rule.DelayMs,
        ["hits"] = fault.Hits,
    };

    private static string? String(JsonObject body, string key) =>
        body[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Absent or null → null; a whole number in int range → it; anything else → false.</summary>
    private static bool TryInt(JsonObject body, string key, out int? value)
    {
        value = null;
        if (!TryDouble(body, key, out var d))
        {
            return false;
        }
        if (d is null)
        {
            return true;
        }
        if (d != Math.Floor(d.Value) || d < int.MinValue || d > int.MaxValue)
        {
            return false;
        }
        value = (int)d.Value;
        return true;
    }

    private static bool TryDouble(JsonObject body, string key, out double? value)
    {
        value = null;
        if (body[key] is null)
        {
            return true;
        }
        if (!JsonNumbers.TryGetDouble(body[key], out var d) || !double.IsFinite(d))
        {
            return false;
        }
        value = d;
        return true;
    }
}
