using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Crynux.Bridge.Llm;

/// <summary>
/// Writes gpt-task task_args (keys in the order of the upstream bridge's struct). Relaxed escaping is fine: the Relay
/// re-canonicalises the JSON and the bridge signs its own canonical form.
/// </summary>
internal static class GptTaskArgs
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(string model, IReadOnlyList<ChatMessage> messages, IReadOnlyList<JsonElement>? tools,
        GenerationSettings generation, long seed)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteStartArray("messages");
            foreach (var message in messages)
            {
                WriteMessage(w, message);
            }
            w.WriteEndArray();
            if (tools is not null)
            {
                w.WriteStartArray("tools");
                foreach (var tool in tools)
                {
                    tool.WriteTo(w);
                }
                w.WriteEndArray();
            }
            WriteGeneration(w, generation);
            w.WriteNumber("seed", seed);
            w.WriteString("dtype", DType(model));
            if (tools is { Count: > 0 } && ThinksBeforeToolCalls(model))
            {
                // Qwen 3.5 / 3.6 templates reason before a tool call unless told not to, and the reasoning breaks the call
                // format the result parser reads (the upstream bridge sends the same).
                w.WriteStartObject("template_args");
                w.WriteBoolean("enable_thinking", false);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Qwen2.5 checkpoints are published in bfloat16; "auto" lets the node pick for everything else.</summary>
    public static string DType(string model) =>
        model.StartsWith("Qwen/Qwen2.5", StringComparison.OrdinalIgnoreCase) ? "bfloat16" : "auto";

    private static bool ThinksBeforeToolCalls(string model)
    {
        var name = model.ToLowerInvariant();
        return name.StartsWith("qwen/qwen3.5", StringComparison.Ordinal) || name.StartsWith("qwen3.5", StringComparison.Ordinal)
            || name.StartsWith("qwen/qwen3.6", StringComparison.Ordinal) || name.StartsWith("qwen3.6", StringComparison.Ordinal);
    }

    private static void WriteMessage(Utf8JsonWriter w, ChatMessage message)
    {
        w.WriteStartObject();
        w.WriteString("role", message.Role);
        if (message.Text is not null)
        {
            w.WriteString("content", message.Text);
        }
        else if (message.Parts is not null)
        {
            w.WriteStartArray("content");
            foreach (var part in message.Parts)
            {
                w.WriteStartObject();
                w.WriteString("type", part.Type);
                w.WriteString(part.Type == "text" ? "text" : "base64", part.Value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (message.ToolCallId is not null)
        {
            w.WriteString("tool_call_id", message.ToolCallId);
        }
        if (message.ToolCalls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var call in message.ToolCalls)
            {
                WriteToolCall(w, call);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteToolCall(Utf8JsonWriter w, HistoryToolCall call)
    {
        w.WriteStartObject();
        w.WriteString("id", call.Id);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", call.Name);
        if (call.AsString)
        {
            w.WriteString("arguments", call.Arguments);
        }
        else
        {
            // Chat templates (Qwen, Llama) iterate arguments as a mapping, so the node needs an object, not a string.
            using var doc = JsonDocument.Parse(call.Arguments);
            w.WritePropertyName("arguments");
            doc.RootElement.WriteTo(w);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteGeneration(Utf8JsonWriter w, GenerationSettings g)
    {
        w.WriteStartObject("generation_config");
        w.WriteNumber("max_new_tokens", g.MaxNewTokens);
        if (g.Stop.Count > 0)
        {
            w.WriteStartArray("stop_strings");
            foreach (var stop in g.Stop)
            {
                w.WriteStringValue(stop);
            }
            w.WriteEndArray();
        }
        if (g.DoSample is { } doSample)
        {
            w.WriteBoolean("do_sample", doSample);
        }
        WriteOptional(w, "temperature", g.Temperature);
        if (g.TopK is { } topK)
        {
            w.WriteNumber("top_k", topK);
        }
        WriteOptional(w, "top_p", g.TopP);
        WriteOptional(w, "min_p", g.MinP);
        WriteOptional(w, "repetition_penalty", g.RepetitionPenalty);
        w.WriteNumber("num_return_sequences", g.N);
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }
}
