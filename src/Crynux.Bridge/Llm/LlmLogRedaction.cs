using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Crynux.Bridge.Llm;

/// <summary>The LLM request log's redaction rules (the upstream bridge's): keys shortened, long texts cut, tools counted.</summary>
public static class LlmLogRedaction
{
    private const int LongTextRunes = 200;
    private const int KeptRunes = 100;
    private static readonly string[] TextFields = ["prompt", "content", "text"];

    /// <summary>First 4 + "..." + last 4 characters; keys of ≤ 10 characters: xx****yy; ≤ 4: ****.</summary>
    public static string Key(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length switch
        {
            <= 4 => "****",
            <= 10 => key[..2] + "****" + key[^2..],
            _ => key[..4] + "..." + key[^4..],
        };
    }

    /// <summary>A copy of the request with every prompt/content/text string over 200 runes cut to its first and last 100, and any tools array replaced by tools_count.</summary>
    public static JsonNode? Request(JsonNode? request)
    {
        var copy = request?.DeepClone();
        Walk(copy);
        return copy;
    }

    private static void Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    var value = obj[name];
                    if (name == "tools" && value is JsonArray tools)
                    {
                        obj.Remove(name);
                        obj["tools_count"] = tools.Count;
                    }
                    else if (TextFields.Contains(name, StringComparer.Ordinal) && value is JsonValue text && text.TryGetValue<string>(out var s))
                    {
                        obj[name] = Cut(s);
                    }
                    else
                    {
                        Walk(value);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item);
                }
                break;
        }
    }

    /// <summary>Runes, not UTF-16 units: a cut never splits a character.</summary>
    public static string Cut(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var runes = text.EnumerateRunes().ToList();
        if (runes.Count <= LongTextRunes)
        {
            return text;
        }
        var builder = new StringBuilder();
        runes.Take(KeptRunes).ToList().ForEach(r => builder.Append(r.ToString()));
        builder.Append("...");
        runes.Skip(runes.Count - KeptRunes).ToList().ForEach(r => builder.Append(r.ToString()));
        return builder.ToString();
    }

    /// <summary>An entry is one line: line breaks in free text (an exception's message) are written as \n.</summary>
    public static string OneLine(string text) =>
        (text ?? "").Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
