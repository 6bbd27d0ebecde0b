using System.Buffers.Text;
using System.Text.Json;
using Crynux.Bridge.Api;

namespace Crynux.Bridge.Llm;

public static partial class LlmRequestParser
{
    private static readonly string[] ImageTypes = ["image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp"];

    private static Problem? ParseMessages(JsonElement body, string model, out List<ChatMessage> messages)
    {
        messages = [];
        if (!JsonChecks.Has(body, "messages", out var array))
        {
            return Problem.BadRequest("messages", "messages is required");
        }
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return Problem.BadRequest("messages", "messages must be a non-empty array");
        }
        var stringArguments = KeepsStringArguments(model);
        foreach (var item in array.EnumerateArray())
        {
            if (ParseMessage(item, $"messages[{messages.Count}]", stringArguments, out var message) is { } error)
            {
                return error;
            }
            messages.Add(message);
        }
        return null;
    }

    /// <summary>
    /// The DeepSeek V3 / R1 chat templates concatenate arguments as text, so those models get the original string
    /// (the upstream bridge's tool-history rule); the R1 distills use their base model's (Qwen/Llama) template.
    /// </summary>
    private static bool KeepsStringArguments(string model)
    {
        var name = model[(model.LastIndexOf('/') + 1)..];
        return name.StartsWith("deepseek-v3", StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith("deepseek-r1", StringComparison.OrdinalIgnoreCase)
                && !name.StartsWith("deepseek-r1-distill-", StringComparison.OrdinalIgnoreCase));
    }

    private static Problem? ParseMessage(JsonElement m, string path, bool stringArguments, out ChatMessage message)
    {
        message = null!;
        if (m.ValueKind != JsonValueKind.Object)
        {
            return Problem.BadRequest(path, $"{path} must be an object");
        }
        var role = JsonChecks.String(m, "role");
        if (role is not ("system" or "user" or "assistant" or "tool" or "developer"))
        {
            return Problem.BadRequest($"{path}.role", $"{path}.role must be one of system, user, assistant, tool, developer");
        }
        // gpt-task has no developer role; OpenAI defines developer messages as the newer name for system messages.
        role = role == "developer" ? "system" : role;

        IReadOnlyList<HistoryToolCall> calls = [];
        if (JsonChecks.Has(m, "tool_calls", out var toolCalls))
        {
            if (role != "assistant")
            {
                return Problem.BadRequest($"{path}.tool_calls", $"{path}.tool_calls is only allowed on assistant messages");
            }
            if (ParseHistoryCalls(toolCalls, $"{path}.tool_calls", stringArguments, out calls) is { } error)
            {
                return error;
            }
        }

        string? toolCallId = null;
        if (role == "tool")
        {
            toolCallId = JsonChecks.String(m, "tool_call_id");
            if (string.IsNullOrEmpty(toolCallId))
            {
                return Problem.BadRequest($"{path}.tool_call_id", $"{path}.tool_call_id is required for tool messages");
            }
        }

        if (ParseContent(m, path, role, calls.Count > 0, out var text, out var parts) is { } contentError)
        {
            return contentError;
        }
        message = new ChatMessage(role, text, parts, toolCallId, calls);
        return null;
    }

    private static Problem? ParseContent(JsonElement m, string path, string role, bool hasCalls, out string? text,
        out IReadOnlyList<ContentPart>? parts)
    {
        text = null;
        parts = null;
        if (!JsonChecks.Has(m, "content", out var content))
        {
            // OpenAI clients send null content on assistant messages that only carry tool calls.
            return role == "assistant" && hasCalls ? null : Problem.BadRequest($"{path}.content", $"{path}.content is required");
        }
        if (content.ValueKind != JsonValueKind.String)
        {
            return ParseParts(content, $"{path}.content", out parts);
        }
        text = JsonChecks.AsString(content);
        return text is null ? Problem.BadRequest($"{path}.content", $"{path}.content is not valid UTF-16 text") : null;
    }

    private static Problem? ParseParts(JsonElement content, string path, out IReadOnlyList<ContentPart>? parts)
    {
        parts = null;
        if (content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0)
        {
            return Problem.BadRequest(path, $"{path} must be a string or a non-empty array of content parts");
        }
        var list = new List<ContentPart>();
        foreach (var part in content.EnumerateArray())
        {
            var at = $"{path}[{list.Count}]";
            var type = JsonChecks.String(part, "type");
            if (type == "text")
            {
                if (JsonChecks.String(part, "text") is not { } text)
                {
                    return Problem.BadRequest($"{at}.text", $"{at}.text must be a string");
                }
                list.Add(new ContentPart("text", text));
            }
            else if (type == "image_url")
            {
                if (ParseImage(part, at, out var base64) is { } error)
                {
                    return error;
                }
                list.Add(new ContentPart("image", base64));
            }
            else
            {
                return Problem.BadRequest($"{at}.type", $"{at}.type must be \"text\" or \"image_url\"");
            }
        }
        parts = list;
        return null;
    }

    /// <summary>Only inline images: a Crynux node has no business fetching URLs on the client's behalf.</summary>
    private static Problem? ParseImage(JsonElement part, string at, out string base64)
    {
        base64 = "";
        string? value = null;
        if (JsonChecks.Has(part, "image_url", out var image))
        {
            // OpenAI's shape is {"url": …}; a few clients put the URL string there directly.
            value = image.ValueKind == JsonValueKind.String ? JsonChecks.AsString(image) : JsonChecks.String(image, "url");
        }
        if (value is null)
        {
            return Problem.BadRequest($"{at}.image_url", $"{at}.image_url.url must be a string");
        }
        var param = $"{at}.image_url.url";
        var comma = value.IndexOf(',', StringComparison.Ordinal);
        if (!value.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0
            || !value[5..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return Problem.BadRequest(param, "image URLs must be data: URLs with base64 content");
        }
        var mime = value[5..(comma - ";base64".Length)];
        if (!ImageTypes.Contains(mime, StringComparer.OrdinalIgnoreCase))
        {
            return Problem.BadRequest(param, "images must be png, jpeg, gif or webp");
        }
        var data = value[(comma + 1)..];
        if (data.Length == 0 || !Base64.IsValid(data))
        {
            return Problem.BadRequest(param, "the image data is not valid base64");
        }
        base64 = data;
        return null;
    }

    private static Problem? ParseHistoryCalls(JsonElement array, string path, bool asString, out IReadOnlyList<HistoryToolCall> calls)
    {
        calls = [];
        if (array.ValueKind != JsonValueKind.Array)
        {
            return Problem.BadRequest(path, $"{path} must be an array");
        }
        var list = new List<HistoryToolCall>();
        foreach (var call in array.EnumerateArray())
        {
            var at = $"{path}[{list.Count}]";
            if (call.ValueKind != JsonValueKind.Object)
            {
                return Problem.BadRequest(at, $"{at} must be an object");
            }
            var id = JsonChecks.String(call, "id");
            if (string.IsNullOrEmpty(id))
            {
                return Problem.BadRequest($"{at}.id", $"{at}.id must be a non-empty string");
            }
            if (JsonChecks.Has(call, "type", out _) && JsonChecks.String(call, "type") != "function")
            {
                return Problem.BadRequest($"{at}.type", $"{at}.type must be \"function\"");
            }
            if (!JsonChecks.Has(call, "function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                return Problem.BadRequest($"{at}.function", $"{at}.function must be an object");
            }
            var name = JsonChecks.String(function, "name");
            if (string.IsNullOrEmpty(name))
            {
                return Problem.BadRequest($"{at}.function.name", $"{at}.function.name must be a non-empty string");
            }
            var arguments = JsonChecks.String(function, "arguments");
            // Some clients send "" for a call without arguments; OpenAI itself would have produced "{}".
            arguments = string.IsNullOrWhiteSpace(arguments) && arguments is not null ? "{}" : arguments;
            if (arguments is null || !IsJsonObject(arguments))
            {
                return Problem.BadRequest($"{at}.function.arguments", $"{at}.function.arguments must be a JSON object encoded as a string");
            }
            list.Add(new HistoryToolCall(id, name, arguments, asString));
        }
        calls = list;
        return null;
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && JsonChecks.IsTranscodable(doc.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
