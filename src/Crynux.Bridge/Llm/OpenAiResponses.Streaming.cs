using System.Text.Json;

namespace Crynux.Bridge.Llm;

/// <summary>
/// Simulated streaming: the task has finished before the first frame, so the chunks replay the full answer in small
/// pieces, which is what OpenAI stream consumers (SDKs, chat UIs) are built to render.
/// </summary>
public static partial class OpenAiResponses
{
    private const int WordsPerPiece = 4;
    private const int MaxPieceChars = 64;
    internal const int ArgumentFragmentChars = 32;

    /// <param name="roleChunks">False when <see cref="ChatRoleChunks"/> already went out (at admission).</param>
    public static IEnumerable<string> ChatChunks(string id, long created, LlmResult result, bool includeUsage, bool roleChunks = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var choice in result.Choices)
        {
            if (roleChunks)
            {
                yield return RoleChunk(id, created, result.Model, includeUsage, choice.Index);
            }
            foreach (var piece in Pieces(choice.Content))
            {
                yield return ChatChunk(id, created, result.Model, includeUsage, choice.Index, null, w => w.WriteString("content", piece));
            }
            for (var k = 0; k < choice.ToolCalls.Count; k++)
            {
                var call = choice.ToolCalls[k];
                var index = k;
                // The first delta names the call (index, id, type, name); clients then append the arguments fragments.
                yield return ChatChunk(id, created, result.Model, includeUsage, choice.Index, null, w => ToolCallDelta(w, call, index, "", true));
                foreach (var fragment in Fragments(call.Arguments, ArgumentFragmentChars))
                {
                    yield return ChatChunk(id, created, result.Model, includeUsage, choice.Index, null,
                        w => ToolCallDelta(w, call, index, fragment, false));
                }
            }
            yield return ChatChunk(id, created, result.Model, includeUsage, choice.Index, choice.FinishReason, _ => { });
        }
        if (includeUsage)
        {
            yield return UsageChunk(id, "chat.completion.chunk", created, result);
        }
    }

    /// <summary>The first chunk of each choice (role, empty content), sent as soon as the task is admitted.</summary>
    public static IEnumerable<string> ChatRoleChunks(string id, long created, string model, int n, bool includeUsage) =>
        Enumerable.Range(0, n).Select(index => RoleChunk(id, created, model, includeUsage, index));

    /// <summary>An empty text per choice, sent as soon as the task is admitted (completions have no role chunk).</summary>
    public static IEnumerable<string> CompletionOpeningChunks(string id, long created, string model, int n, bool includeUsage) =>
        Enumerable.Range(0, n).Select(index => TextChunk(id, created, model, includeUsage, "", index, null));

    private static string RoleChunk(string id, long created, string model, bool includeUsage, int index) =>
        ChatChunk(id, created, model, includeUsage, index, null, w =>
        {
            w.WriteString("role", "assistant");
            w.WriteString("content", "");
        });

    public static IEnumerable<string> CompletionChunks(string id, long created, LlmResult result, bool includeUsage)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var choice in result.Choices)
        {
            foreach (var piece in Pieces(choice.Content))
            {
                yield return TextChunk(id, created, result.Model, includeUsage, piece, choice.Index, null);
            }
            yield return TextChunk(id, created, result.Model, includeUsage, "", choice.Index, choice.FinishReason);
        }
        if (includeUsage)
        {
            yield return UsageChunk(id, "text_completion", created, result);
        }
    }

    private static string ChatChunk(string id, long created, string model, bool includeUsage, int index, string? finishReason,
        Action<Utf8JsonWriter> delta) => WriteString(w =>
    {
        WriteHeader(w, id, "chat.completion.chunk", created, model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        w.WriteStartObject("delta");
        delta(w);
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", finishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        WriteNullUsage(w, includeUsage);
    });

    private static string TextChunk(string id, long created, string model, bool includeUsage, string text, int index,
        string? finishReason) => WriteString(w =>
    {
        WriteHeader(w, id, "text_completion", created, model);
        w.WriteStartArray("choices");
        WriteTextChoice(w, text, index, finishReason);
        w.WriteEndArray();
        WriteNullUsage(w, includeUsage);
    });

    private static void ToolCallDelta(Utf8JsonWriter w, ToolCall call, int index, string arguments, bool first)
    {
        w.WriteStartArray("tool_calls");
        WriteToolCall(w, call, arguments, index, first);
        w.WriteEndArray();
    }

    /// <summary>OpenAI: with include_usage, every chunk but the last carries "usage": null.</summary>
    private static void WriteNullUsage(Utf8JsonWriter w, bool includeUsage)
    {
        if (includeUsage)
        {
            w.WriteNull("usage");
        }
    }

    private static string UsageChunk(string id, string type, long created, LlmResult result) => WriteString(w =>
    {
        WriteHeader(w, id, type, created, result.Model);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        WriteUsage(w, result);
    });

    /// <summary>Splits text into pieces of a few words (whitespace kept, so the pieces concatenate to the text).</summary>
    internal static List<string> Pieces(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        var words = 0;
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var space = char.IsWhiteSpace(text[i]);
            if (!space && !inWord)
            {
                if (words == WordsPerPiece)
                {
                    pieces.Add(text[start..i]);
                    start = i;
                    words = 0;
                }
                words++;
            }
            inWord = !space;
            // A long run without spaces (code, URLs, CJK) is cut too, never inside a surrogate pair.
            if (i + 1 - start >= MaxPieceChars && i + 1 < text.Length && !char.IsHighSurrogate(text[i]))
            {
                pieces.Add(text[start..(i + 1)]);
                start = i + 1;
                words = 0;
            }
        }
        if (start < text.Length)
        {
            pieces.Add(text[start..]);
        }
        return pieces;
    }

    internal static List<string> Fragments(string text, int size)
    {
        var fragments = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = Math.Min(start + size, text.Length);
            if (end < text.Length && char.IsHighSurrogate(text[end - 1]))
            {
                end--;
            }
            fragments.Add(text[start..end]);
            start = end;
        }
        return fragments;
    }
}
