using System.Globalization;
using System.Text.Json;
using Crynux.Bridge.Api;

namespace Crynux.Bridge.Llm;

/// <summary>
/// Typed reads of optional request fields. Each returns a Problem naming the field instead of throwing, so that bad
/// input can never become a 500. JSON null counts as absent (OpenAI's nullable parameters).
/// </summary>
internal static class JsonChecks
{
    /// <summary>True when the field is present and not null.</summary>
    public static bool Has(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>
    /// The string value; null when e is not a string or holds an escaped lone UTF-16 surrogate, which JSON allows but
    /// which cannot be transcoded (GetString would throw).
    /// </summary>
    public static string? AsString(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        try
        {
            return e.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The named field as a string (see AsString), or null.</summary>
    public static string? String(JsonElement obj, string name) => Has(obj, name, out var e) ? AsString(e) : null;

    /// <summary>
    /// False when any string or property name below e is an escaped lone surrogate. Such JSON parses, but cannot be
    /// re-written (Utf8JsonWriter and JsonElement.WriteTo throw), so forwarded JSON is checked before it is copied.
    /// </summary>
    public static bool IsTranscodable(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return AsString(e) is not null;
            case JsonValueKind.Array:
                return e.EnumerateArray().All(IsTranscodable);
            case JsonValueKind.Object:
                foreach (var property in e.EnumerateObject())
                {
                    try
                    {
                        _ = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return false;
                    }
                    if (!IsTranscodable(property.Value))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return true;
        }
    }

    /// <summary>
    /// The named field as text: absent or null is no error and a null value; anything but a string, or a string that is
    /// not valid Unicode (an escaped lone surrogate, raw invalid UTF-8), is a 400 naming the field.
    /// </summary>
    public static Problem? Text(JsonElement obj, string name, out string? value, string? param = null)
    {
        value = null;
        param ??= name;
        if (!Has(obj, name, out var e))
        {
            return null;
        }
        if (e.ValueKind != JsonValueKind.String)
        {
            return Problem.BadRequest(param, $"{param} must be a string");
        }
        value = AsString(e);
        return value is null ? Problem.BadRequest(param, $"{param} must be valid Unicode text (no lone surrogates or invalid UTF-8)") : null;
    }

    /// <summary>
    /// The first thing below e that cannot be read or re-written safely, as a 400 naming its path: a string or property
    /// name that is not valid Unicode, a duplicated property name, or a number outside ±7.9e28 (what decimal, and so the
    /// task_args schema check, can hold; this also rules out 1e309 and the like).
    /// </summary>
    public static Problem? Readable(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return AsString(e) is null ? Problem.BadRequest(path, $"{path} must be valid Unicode text (no lone surrogates or invalid UTF-8)") : null;
            case JsonValueKind.Number:
                return e.TryGetDecimal(out _) ? null : Problem.BadRequest(path, $"{path} must be a number between -7.9e28 and 7.9e28");
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (Readable(item, $"{path}[{index++}]") is { } error)
                    {
                        return error;
                    }
                }
                return null;
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in e.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return Problem.BadRequest(path, $"{path} has a property name that is not valid Unicode text");
                    }
                    if (!names.Add(name))
                    {
                        return Problem.BadRequest($"{path}.{name}", $"{path}.{name} appears more than once");
                    }
                    if (Readable(property.Value, $"{path}.{name}") is { } error)
                    {
                        return error;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    public static Problem? Number(JsonElement obj, string name, double min, double max, out double? value, bool minExclusive = false)
    {
        value = null;
        if (!Has(obj, name, out var e))
        {
            return null;
        }
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && (minExclusive ? d > min : d >= min) && d <= max)
        {
            value = d;
            return null;
        }
        var range = minExclusive
            ? $"greater than {Format(min)} and at most {Format(max)}"
            : $"between {Format(min)} and {Format(max)}";
        return Problem.BadRequest(name, $"{name} must be a number {range}");
    }

    public static Problem? Integer(JsonElement obj, string name, long min, long max, out long? value, string? param = null)
    {
        value = null;
        param ??= name;
        if (!Has(obj, name, out var e))
        {
            return null;
        }
        if (TryInteger(e, out var v) && v >= min && v <= max)
        {
            value = v;
            return null;
        }
        var range = max == long.MaxValue || max == int.MaxValue ? $"of at least {min}" : $"between {min} and {max}";
        return Problem.BadRequest(param, $"{param} must be an integer {range}");
    }

    public static Problem? Bool(JsonElement obj, string name, out bool? value, string? param = null)
    {
        value = null;
        if (!Has(obj, name, out var e))
        {
            return null;
        }
        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = e.GetBoolean();
            return null;
        }
        return Problem.BadRequest(param ?? name, $"{param ?? name} must be a boolean");
    }

    /// <summary>An integral JSON number (1, 1.0 and 1e3 all count) that fits in an int64, read exactly.</summary>
    public static bool TryInteger(JsonElement e, out long value)
    {
        value = 0;
        if (e.ValueKind != JsonValueKind.Number)
        {
            return false;
        }
        if (e.TryGetInt64(out value))
        {
            return true;
        }
        // Integral as a double (so 1e-30, which decimal rounds to 0, is not), and then read exactly as a decimal:
        // 9007199254740993.0 is that integer, where a double would round it to a neighbour.
        if (!e.TryGetDouble(out var d) || Math.Floor(d) != d || !double.IsFinite(d))
        {
            return false;
        }
        if (e.TryGetDecimal(out var m) && m == decimal.Truncate(m) && m >= long.MinValue && m <= long.MaxValue)
        {
            value = (long)m;
            return true;
        }
        return false;
    }

    public static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    private static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);
}
