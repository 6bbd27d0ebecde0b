using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Crynux.Bridge.Llm;

/// <summary>OpenAI response bodies (UTF-8 JSON) for a finished LLM task: non-streamed and streamed chunks (errors: Api.Problem.OpenAiBody).</summary>
public static partial class OpenAiResponses
{
    public static byte[] ChatCompletion(string id, long created, LlmResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Write(w =>
        {
            WriteHeader(w, id, "chat.completion", created, result.Model);
            w.WriteStartArray("choices");
            foreach (var choice in result.Choices)
            {
                w.WriteStartObject();
                w.WriteNumber("index", choice.Index);
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                // OpenAI sends null content with tool calls unless the model also wrote text.
                if (choice.ToolCalls.Count > 0 && choice.Content.Length == 0)
                {
                    w.WriteNull("content");
                }
                else
                {
                    w.WriteString("content", choice.Content);
                }
                w.WriteNull("refusal");
                if (choice.ToolCalls.Count > 0)
                {
                    w.WriteStartArray("tool_calls");
                    foreach (var call in choice.ToolCalls)
                    {
                        WriteToolCall(w, call, call.Arguments);
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
                w.WriteNull("logprobs");
                w.WriteString("finish_reason", choice.FinishReason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteUsage(w, result);
        });
    }

    public static byte[] TextCompletion(string id, long created, LlmResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Write(w =>
        {
            WriteHeader(w, id, "text_completion", created, result.Model);
            w.WriteStartArray("choices");
            foreach (var choice in result.Choices)
            {
                WriteTextChoice(w, choice.Content, choice.Index, choice.FinishReason);
            }
            w.WriteEndArray();
            WriteUsage(w, result);
        });
    }

    private static void WriteHeader(Utf8JsonWriter w, string id, string type, long created, string model)
    {
        w.WriteString("id", id);
        w.WriteString("object", type);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
    }

    private static void WriteTextChoice(Utf8JsonWriter w, string text, int index, string? finishReason)
    {
        w.WriteStartObject();
        w.WriteString("text", text);
        w.WriteNumber("index", index);
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", finishReason);
        w.WriteEndObject();
    }

    /// <summary>A tool call, or (id null) a streamed continuation that carries only an arguments fragment.</summary>
    private static void WriteToolCall(Utf8JsonWriter w, ToolCall call, string arguments, int? streamIndex = null, bool first = true)
    {
        w.WriteStartObject();
        if (streamIndex is { } index)
        {
            w.WriteNumber("index", index);
        }
        if (first)
        {
            w.WriteString("id", call.Id);
            w.WriteString("type", "function");
        }
        w.WriteStartObject("function");
        if (first)
        {
            w.WriteString("name", call.Name);
        }
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, LlmResult result)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", result.PromptTokens);
        w.WriteNumber("completion_tokens", result.CompletionTokens);
        w.WriteNumber("total_tokens", result.TotalTokens);
        w.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, GptTaskArgs.WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static string WriteString(Action<Utf8JsonWriter> body) => Encoding.UTF8.GetString(Write(body));
}
