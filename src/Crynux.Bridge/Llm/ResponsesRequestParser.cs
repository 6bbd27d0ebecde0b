using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Crynux.Bridge.Api;

namespace Crynux.Bridge.Llm;

/// <summary>
/// Validates a Responses API request and rewrites it as a chat completion request, which the chat parser then checks and
/// maps to task_args (one mapping of messages, images and tools for both APIs). Errors name the Responses field.
/// </summary>
public static partial class ResponsesRequestParser
{
    // Accepted so that SDKs keep working; the network has nothing to apply them to (sent back in x-crynux-ignored-parameters).
    private static readonly string[] Ignored =
    [
        "parallel_tool_calls", "user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "service_tier",
        "truncation", "reasoning", "include", "text", "top_logprobs", "max_tool_calls", "stream_options",
    ];

    // Fields whose meaning the bridge cannot honour at all: answering as if they were applied would mislead.
    private static readonly string[] Unsupported = ["conversation", "prompt", "context_management", "moderation"];

    private const int MaxMetadataPairs = 16;

    [GeneratedRegex(@"^messages\[(\d+)\](.*)$")]
    private static partial Regex MessagePath();

    [GeneratedRegex(@"^tools\[(\d+)\]\.function(.*)$")]
    private static partial Regex ToolPath();

    /// <summary>previous_response_id, checked before the rest so that the endpoint can load that conversation.</summary>
    public static Problem? PreviousResponseId(JsonElement body, out string? id)
    {
        id = null;
        if (!JsonChecks.Has(body, "previous_response_id", out var e))
        {
            return null;
        }
        id = JsonChecks.AsString(e);
        return string.IsNullOrEmpty(id) ? Problem.BadRequest("previous_response_id", "previous_response_id must be a non-empty string") : null;
    }

    /// <param name="body">The request body.</param>
    /// <param name="history">The stored conversation of previous_response_id (chat messages), or null.</param>
    /// <param name="options">The LLM limits.</param>
    public static (ResponsesRequest? Request, Problem? Error) Parse(JsonElement body, JsonArray? history, LlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, Problem.BadRequest(null, "the request body must be a JSON object"));
        }
        if (!JsonChecks.IsTranscodable(body))
        {
            return (null, Problem.BadRequest(null, "the request body contains a string that is not valid UTF-16 text"));
        }
        foreach (var name in Unsupported)
        {
            if (JsonChecks.Has(body, name, out _))
            {
                return (null, Problem.BadRequest(name, $"{name} is not supported by this bridge"));
            }
        }
        if (JsonChecks.Bool(body, "background", out var background) is { } backgroundError)
        {
            return (null, backgroundError);
        }
        if (background == true)
        {
            return (null, Problem.BadRequest("background", "background responses are not supported; use stream or wait for the answer"));
        }
        Problem? error;
        JsonNode? instructions = null;
        if (JsonChecks.Has(body, "instructions", out var i))
        {
            if (JsonChecks.AsString(i) is not { } text)
            {
                return (null, Problem.BadRequest("instructions", "instructions must be a string"));
            }
            instructions = text;
        }
        if ((error = JsonChecks.Bool(body, "store", out var store)) is not null
            || (error = CheckMetadata(body)) is not null
            || (error = ResponsesInput.Parse(body, out var input)) is not null
            || (error = ConvertTools(body, out var tools, out var toolChoice)) is not null)
        {
            return (null, error);
        }

        var conversation = new JsonArray();
        foreach (var message in history ?? [])
        {
            conversation.Add(message!.DeepClone());
        }
        foreach (var message in input)
        {
            var copy = message.DeepClone().AsObject();
            copy.Remove(ResponsesInput.SourceKey);
            conversation.Add(copy);
        }
        var messages = new JsonArray();
        if (instructions is not null)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = instructions.DeepClone() });
        }
        foreach (var message in conversation)
        {
            messages.Add(message!.DeepClone());
        }

        var chat = new JsonObject { ["messages"] = messages };
        Copy(body, chat, "model");
        Copy(body, chat, "temperature");
        Copy(body, chat, "top_p");
        Copy(body, chat, "stream");
        Copy(body, chat, "vram_limit");
        Copy(body, chat, "max_output_tokens", "max_completion_tokens");
        if (tools is not null)
        {
            chat["tools"] = tools;
        }
        if (toolChoice is not null)
        {
            chat["tool_choice"] = toolChoice;
        }
        using var doc = JsonDocument.Parse(chat.ToJsonString());
        var (request, chatError) = LlmRequestParser.ParseChat(doc.RootElement, options);
        if (chatError is not null)
        {
            return (null, chatError with { Param = ResponsesParam(chatError.Param, instructions is not null, history?.Count ?? 0, input) });
        }
        var ignored = Ignored.Where(name => JsonChecks.Has(body, name, out _)).ToArray();
        var echo = Echo(body, instructions, tools is null ? null : JsonNode.Parse(body.GetProperty("tools").GetRawText()));
        return (new ResponsesRequest(request! with { IgnoredParameters = ignored }, conversation, echo, store ?? true), null);
    }

    private static void Copy(JsonElement body, JsonObject chat, string name, string? to = null)
    {
        if (body.TryGetProperty(name, out var value))
        {
            chat[to ?? name] = JsonNode.Parse(value.GetRawText());
        }
    }

    /// <summary>OpenAI's limits: at most 16 pairs, keys up to 64 characters, values strings up to 512.</summary>
    private static Problem? CheckMetadata(JsonElement body)
    {
        if (!JsonChecks.Has(body, "metadata", out var metadata))
        {
            return null;
        }
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            return Problem.BadRequest("metadata", "metadata must be an object of strings");
        }
        var count = 0;
        foreach (var pair in metadata.EnumerateObject())
        {
            if (++count > MaxMetadataPairs)
            {
                return Problem.BadRequest("metadata", $"metadata holds at most {MaxMetadataPairs} pairs");
            }
            if (pair.Name.Length > 64)
            {
                return Problem.BadRequest("metadata", "metadata keys are at most 64 characters");
            }
            if (pair.Value.ValueKind != JsonValueKind.String || pair.Value.GetString()!.Length > 512)
            {
                return Problem.BadRequest($"metadata.{pair.Name}", $"metadata.{pair.Name} must be a string of at most 512 characters");
            }
        }
        return null;
    }

    /// <summary>Function tools {type, name, description, parameters, strict} become chat tools {type, function: {…}}.</summary>
    private static Problem? ConvertTools(JsonElement body, out JsonArray? tools, out JsonNode? toolChoice)
    {
        tools = null;
        toolChoice = null;
        if (JsonChecks.Has(body, "tools", out var array))
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                return Problem.BadRequest("tools", "tools must be an array");
            }
            tools = [];
            foreach (var tool in array.EnumerateArray())
            {
                var at = $"tools[{tools.Count}]";
                if (tool.ValueKind != JsonValueKind.Object)
                {
                    return Problem.BadRequest(at, $"{at} must be an object");
                }
                if (JsonChecks.String(tool, "type") != "function")
                {
                    return Problem.BadRequest($"{at}.type", $"{at}.type must be \"function\": the network runs only function tools");
                }
                var function = new JsonObject();
                foreach (var field in tool.EnumerateObject())
                {
                    if (field.Name is "name" or "description" or "parameters" or "strict")
                    {
                        function[field.Name] = JsonNode.Parse(field.Value.GetRawText());
                    }
                }
                tools.Add(new JsonObject { ["type"] = "function", ["function"] = function });
            }
        }
        if (JsonChecks.Has(body, "tool_choice", out var choice))
        {
            if (JsonChecks.AsString(choice) is { } mode)
            {
                toolChoice = mode;
            }
            else if (JsonChecks.String(choice, "type") == "function" && JsonChecks.String(choice, "name") is { } name)
            {
                toolChoice = new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = name } };
            }
            else
            {
                return Problem.BadRequest("tool_choice", "tool_choice must be \"none\", \"auto\", \"required\" or {\"type\":\"function\",\"name\":…}");
            }
        }
        return null;
    }

    /// <summary>The Response object's copy of the request's settings, with OpenAI's defaults where they describe what happens.</summary>
    private static JsonObject Echo(JsonElement body, JsonNode? instructions, JsonNode? tools)
    {
        JsonNode? Field(string name) => JsonChecks.Has(body, name, out var e) ? JsonNode.Parse(e.GetRawText()) : null;
        return new JsonObject
        {
            ["instructions"] = instructions?.DeepClone(),
            ["max_output_tokens"] = Field("max_output_tokens"),
            ["metadata"] = Field("metadata") ?? new JsonObject(),
            ["parallel_tool_calls"] = Field("parallel_tool_calls") ?? true,
            ["previous_response_id"] = Field("previous_response_id"),
            ["store"] = Field("store") ?? true,
            // null when not given: the node then decodes greedily, which OpenAI's default of 1 would misdescribe.
            ["temperature"] = Field("temperature"),
            ["tool_choice"] = Field("tool_choice") ?? "auto",
            ["tools"] = tools ?? new JsonArray(),
            ["top_p"] = Field("top_p"),
        };
    }

    /// <summary>Names the Responses field for an error the chat parser found in the rewritten request.</summary>
    private static string? ResponsesParam(string? chatParam, bool hasInstructions, int historyCount, List<JsonNode> input)
    {
        if (chatParam is null)
        {
            return null;
        }
        if (chatParam == "max_completion_tokens")
        {
            return "max_output_tokens";
        }
        if (ToolPath().Match(chatParam) is { Success: true } tool)
        {
            return $"tools[{tool.Groups[1].Value}]{tool.Groups[2].Value}";
        }
        if (MessagePath().Match(chatParam) is not { Success: true } message)
        {
            return chatParam;
        }
        var index = int.Parse(message.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - (hasInstructions ? 1 : 0);
        if (index < 0)
        {
            return "instructions";
        }
        if (index < historyCount)
        {
            return "previous_response_id";
        }
        index -= historyCount;
        // Each chat message remembers the input item it came from; content paths are the same in both shapes.
        if (index >= input.Count || input[index][ResponsesInput.SourceKey] is not { } source)
        {
            return "input";
        }
        var rest = message.Groups[2].Value;
        return rest.StartsWith(".content", StringComparison.Ordinal)
            ? source.GetValue<string>() + rest.Replace(".image_url.url", ".image_url", StringComparison.Ordinal)
            : source.GetValue<string>();
    }
}
