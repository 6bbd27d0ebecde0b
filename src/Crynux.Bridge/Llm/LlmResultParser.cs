using System.Text.Json;

namespace Crynux.Bridge.Llm;

/// <summary>Reads a gpt-task result (GPTTaskResponse JSON) into an LlmResult.</summary>
public static class LlmResultParser
{
    private static readonly string[] ThinkEnds = ["</think>", "</thinking>"];

    /// <summary>
    /// With hasTools, tool calls are taken out of each choice's content and its finish_reason becomes "tool_calls".
    /// With stripThinking (the completions route, which has no place for reasoning) everything up to the first
    /// &lt;/think&gt; or &lt;/thinking&gt; is removed. Throws FormatException on a malformed result.
    /// </summary>
    public static LlmResult Parse(ReadOnlySpan<byte> resultJson, bool hasTools, string callIdPrefix, bool stripThinking)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(resultJson.ToArray());
        }
        catch (JsonException e)
        {
            throw new FormatException("the LLM result is not valid JSON", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the LLM result is not a JSON object");
            }
            var model = String(root, "model") ?? "";
            if (!root.TryGetProperty("choices", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("the LLM result has no choices array");
            }
            var choices = new List<LlmChoice>();
            foreach (var item in array.EnumerateArray())
            {
                choices.Add(ParseChoice(item, choices.Count, hasTools, callIdPrefix, stripThinking));
            }
            var usage = root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
            return new LlmResult(model, choices, Count(usage, "prompt_tokens"), Count(usage, "completion_tokens"));
        }
    }

    private static LlmChoice ParseChoice(JsonElement item, int position, bool hasTools, string callIdPrefix, bool stripThinking)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"LLM result choice {position} is not an object");
        }
        var index = position;
        if (item.TryGetProperty("index", out var i) && i.ValueKind != JsonValueKind.Null
            && !(i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out index)))
        {
            throw new FormatException($"LLM result choice {position} has a bad index");
        }
        var message = item.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object
            ? m : throw new FormatException($"LLM result choice {position} has no message");
        var content = String(message, "content") ?? "";
        var finish = String(item, "finish_reason") ?? "stop";
        if (stripThinking)
        {
            content = StripThinking(content);
        }
        if (!hasTools)
        {
            return new LlmChoice(index, content, finish, []);
        }
        var (calls, remaining) = ToolCallParser.Parse(content, callIdPrefix, index);
        return new LlmChoice(index, remaining, calls.Count > 0 ? "tool_calls" : finish, calls);
    }

    public static string StripThinking(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var ends = ThinkEnds.Select(tag => (At: content.IndexOf(tag, StringComparison.OrdinalIgnoreCase), tag.Length))
            .Where(e => e.At >= 0).ToList();
        if (ends.Count == 0)
        {
            return content;
        }
        var first = ends.MinBy(e => e.At);
        // The newlines after the closing tag only separate the reasoning from the answer.
        return content[(first.At + first.Length)..].TrimStart();
    }

    private static string? String(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return JsonChecks.AsString(e) ?? throw new FormatException($"LLM result field {name} is not a string");
    }

    private static int Count(JsonElement usage, string name) =>
        usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number
            && e.TryGetInt32(out var v) ? v : 0;
}
