using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Api;

namespace Crynux.Bridge.Llm;

/// <summary>
/// The Responses API's input (a string, or a list of message, function_call and function_call_output items) as chat
/// messages. Each message carries the input path it came from under <see cref="SourceKey"/>, for error messages.
/// </summary>
internal static class ResponsesInput
{
    public const string SourceKey = "_source";

    public static Problem? Parse(JsonElement body, out List<JsonNode> messages)
    {
        messages = [];
        if (!JsonChecks.Has(body, "input", out var input))
        {
            return Problem.BadRequest("input", "input is required");
        }
        if (JsonChecks.AsString(input) is { } text)
        {
            messages.Add(Message("user", text, "input"));
            return null;
        }
        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            return Problem.BadRequest("input", "input must be a string or a non-empty array of input items");
        }
        var index = 0;
        foreach (var item in input.EnumerateArray())
        {
            var at = $"input[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                return Problem.BadRequest(at, $"{at} must be an object");
            }
            // An item without a type is a message (EasyInputMessage).
            var type = JsonChecks.Has(item, "type", out var t) ? JsonChecks.AsString(t) : "message";
            var error = type switch
            {
                "message" => AddMessage(item, at, messages),
                "function_call" => AddFunctionCall(item, at, messages),
                "function_call_output" => AddFunctionOutput(item, at, messages),
                _ => Problem.BadRequest($"{at}.type",
                    $"{at}.type must be \"message\", \"function_call\" or \"function_call_output\" (other item types are not supported here)"),
            };
            if (error is not null)
            {
                return error;
            }
        }
        return null;
    }

    private static JsonObject Message(string role, JsonNode? content, string source) =>
        new() { ["role"] = role, ["content"] = content, [SourceKey] = source };

    private static Problem? AddMessage(JsonElement item, string at, List<JsonNode> messages)
    {
        var role = JsonChecks.String(item, "role");
        if (role is not ("user" or "assistant" or "system" or "developer"))
        {
            return Problem.BadRequest($"{at}.role", $"{at}.role must be one of user, assistant, system, developer");
        }
        if (!JsonChecks.Has(item, "content", out var content))
        {
            return Problem.BadRequest($"{at}.content", $"{at}.content is required");
        }
        if (JsonChecks.AsString(content) is { } text)
        {
            messages.Add(Message(role, text, at));
            return null;
        }
        if (content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0)
        {
            return Problem.BadRequest($"{at}.content", $"{at}.content must be a string or a non-empty array of content parts");
        }
        var parts = new JsonArray();
        foreach (var part in content.EnumerateArray())
        {
            var path = $"{at}.content[{parts.Count}]";
            var type = JsonChecks.String(part, "type");
            switch (type)
            {
                // Earlier assistant output comes back as output_text (or refusal) parts; the model sees it as text.
                case "input_text" or "output_text":
                    if (JsonChecks.String(part, "text") is not { } partText)
                    {
                        return Problem.BadRequest($"{path}.text", $"{path}.text must be a string");
                    }
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = partText });
                    break;
                case "refusal":
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = JsonChecks.String(part, "refusal") ?? "" });
                    break;
                case "input_image" when role == "user":
                    if (JsonChecks.Has(part, "file_id", out _))
                    {
                        return Problem.BadRequest($"{path}.file_id", "file ids are not supported here; send the image as a data: URL in image_url");
                    }
                    if (JsonChecks.String(part, "image_url") is not { } url)
                    {
                        return Problem.BadRequest($"{path}.image_url", $"{path}.image_url must be a data: URL");
                    }
                    parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } });
                    break;
                default:
                    return Problem.BadRequest($"{path}.type", role == "user"
                        ? $"{path}.type must be \"input_text\" or \"input_image\""
                        : $"{path}.type must be \"input_text\" or \"output_text\" in a {role} message");
            }
        }
        messages.Add(Message(role, parts, at));
        return null;
    }

    /// <summary>Consecutive function_call items are one assistant turn with several tool calls, as in chat.</summary>
    private static Problem? AddFunctionCall(JsonElement item, string at, List<JsonNode> messages)
    {
        var callId = JsonChecks.String(item, "call_id");
        var name = JsonChecks.String(item, "name");
        var arguments = JsonChecks.String(item, "arguments");
        if (string.IsNullOrEmpty(callId))
        {
            return Problem.BadRequest($"{at}.call_id", $"{at}.call_id must be a non-empty string");
        }
        if (string.IsNullOrEmpty(name))
        {
            return Problem.BadRequest($"{at}.name", $"{at}.name must be a non-empty string");
        }
        if (arguments is null)
        {
            return Problem.BadRequest($"{at}.arguments", $"{at}.arguments must be a string (JSON text)");
        }
        var call = new JsonObject
        {
            ["id"] = callId,
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments },
        };
        if (messages.Count > 0 && messages[^1] is JsonObject last && last["role"]?.GetValue<string>() == "assistant"
            && last["tool_calls"] is JsonArray calls)
        {
            calls.Add(call);
            return null;
        }
        var message = Message("assistant", null, at);
        message["tool_calls"] = new JsonArray(call);
        messages.Add(message);
        return null;
    }

    private static Problem? AddFunctionOutput(JsonElement item, string at, List<JsonNode> messages)
    {
        var callId = JsonChecks.String(item, "call_id");
        if (string.IsNullOrEmpty(callId))
        {
            return Problem.BadRequest($"{at}.call_id", $"{at}.call_id must be a non-empty string");
        }
        if (!JsonChecks.Has(item, "output", out var output))
        {
            return Problem.BadRequest($"{at}.output", $"{at}.output is required");
        }
        string text;
        if (JsonChecks.AsString(output) is { } s)
        {
            text = s;
        }
        else if (output.ValueKind == JsonValueKind.Array
            && output.EnumerateArray().All(p => JsonChecks.String(p, "type") == "input_text" && JsonChecks.String(p, "text") is not null))
        {
            // A tool message is text for the chat templates; text parts are joined.
            text = string.Concat(output.EnumerateArray().Select(p => JsonChecks.String(p, "text")));
        }
        else
        {
            return Problem.BadRequest($"{at}.output", $"{at}.output must be a string or an array of input_text parts");
        }
        var message = Message("tool", text, at);
        message["tool_call_id"] = callId;
        messages.Add(message);
        return null;
    }
}
