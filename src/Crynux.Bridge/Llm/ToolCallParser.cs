using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Crynux.Bridge.Llm;

/// <summary>
/// Extracts tool calls from generated text. Models served by gpt-task write them as &lt;tool_call&gt;…&lt;/tool_call&gt;
/// blocks: Hermes JSON (Qwen2.5, most fine-tunes) or the Qwen3-Coder XML form. A block that is neither stays in the
/// content, so that nothing the model wrote is silently lost.
/// </summary>
public static partial class ToolCallParser
{
    [GeneratedRegex(@"<tool_call>(.*?)</tool_call>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"^<function=([^>]+)>(.*?)</function>$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex XmlFunction();

    [GeneratedRegex(@"<parameter=([^>]+)>(.*?)</parameter>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex XmlParameter();

    public static (IReadOnlyList<ToolCall> Calls, string RemainingContent) Parse(string content, string callIdPrefix, int choiceIndex)
    {
        ArgumentNullException.ThrowIfNull(content);
        var calls = new List<ToolCall>();
        var remaining = Block().Replace(content, match =>
        {
            var parsed = ParseHermes(match.Groups[1].Value) ?? ParseXml(match.Groups[1].Value);
            if (parsed is not { } call)
            {
                return match.Value;
            }
            calls.Add(new ToolCall($"call_{callIdPrefix}_{choiceIndex}_{calls.Count}", call.Name, call.Arguments));
            return "";
        });
        return (calls, remaining.Trim());
    }

    /// <summary>{"name": …, "arguments": {…}}; arguments may also be a JSON-encoded string, or be called "parameters".</summary>
    private static (string Name, string Arguments)? ParseHermes(string inner)
    {
        try
        {
            using var doc = JsonDocument.Parse(inner.Trim());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var name)
                || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
            {
                return null;
            }
            if (!root.TryGetProperty("arguments", out var arguments) && !root.TryGetProperty("parameters", out arguments))
            {
                return (name.GetString()!.Trim(), "{}");
            }
            if (arguments.ValueKind == JsonValueKind.String)
            {
                using var decoded = JsonDocument.Parse(arguments.GetString()!);
                return decoded.RootElement.ValueKind == JsonValueKind.Object ? (name.GetString()!.Trim(), Compact(decoded.RootElement)) : null;
            }
            return arguments.ValueKind == JsonValueKind.Object ? (name.GetString()!.Trim(), Compact(arguments)) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escaped lone surrogate, which parses but cannot be re-written.
            return null;
        }
    }

    /// <summary>&lt;function=NAME&gt;&lt;parameter=P&gt;V&lt;/parameter&gt;…&lt;/function&gt;; V is JSON when it parses, else a string.</summary>
    private static (string Name, string Arguments)? ParseXml(string inner)
    {
        var function = XmlFunction().Match(inner.Trim());
        var name = function.Success ? function.Groups[1].Value.Trim() : "";
        if (name.Length == 0)
        {
            return null;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, GptTaskArgs.WriterOptions))
        {
            w.WriteStartObject();
            foreach (Match parameter in XmlParameter().Matches(function.Groups[2].Value))
            {
                w.WritePropertyName(parameter.Groups[1].Value.Trim());
                // Qwen3-Coder puts values on their own lines: the newlines around them are layout, not data.
                var value = parameter.Groups[2].Value.Trim('\n', '\r');
                WriteValue(w, value);
            }
            w.WriteEndObject();
        }
        return (name, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static void WriteValue(Utf8JsonWriter w, string value)
    {
        try
        {
            using var doc = JsonDocument.Parse(value);
            if (JsonChecks.IsTranscodable(doc.RootElement))
            {
                doc.RootElement.WriteTo(w);
                return;
            }
        }
        catch (JsonException)
        {
        }
        w.WriteStringValue(value);
    }

    private static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, GptTaskArgs.WriterOptions))
        {
            element.WriteTo(w);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
