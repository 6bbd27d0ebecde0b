using System.Text.Json.Nodes;

namespace Crynux.Bridge.Llm;

/// <summary>Response objects of the Responses API (in progress, completed, failed) and their output items.</summary>
public static class ResponseObjects
{
    public static JsonObject InProgress(string id, long createdAt, string model, JsonObject echo) =>
        Build(id, createdAt, "in_progress", null, model, echo, [], null, null, null);

    /// <summary>The finished response; status "incomplete" when the node stopped at max_output_tokens.</summary>
    public static JsonObject Completed(string id, long createdAt, long completedAt, string model, JsonObject echo, LlmResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var incomplete = result.Choices.Count > 0 && result.Choices[0].FinishReason == "length";
        var usage = new JsonObject
        {
            ["input_tokens"] = result.PromptTokens,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0, ["cache_write_tokens"] = 0 },
            ["output_tokens"] = result.CompletionTokens,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
            ["total_tokens"] = result.TotalTokens,
        };
        return Build(id, createdAt, incomplete ? "incomplete" : "completed", incomplete ? null : completedAt, model, echo,
            OutputItems(id, result, "completed"), null, incomplete ? new JsonObject { ["reason"] = "max_output_tokens" } : null, usage);
    }

    public static JsonObject Failed(string id, long createdAt, string model, JsonObject echo, string message) =>
        Build(id, createdAt, "failed", null, model, echo, [], new JsonObject { ["code"] = "server_error", ["message"] = message }, null, null);

    /// <summary>The answer's output items: a message when the model wrote text (or called nothing), then its function calls.</summary>
    public static List<JsonObject> OutputItems(string responseId, LlmResult result, string status)
    {
        ArgumentNullException.ThrowIfNull(responseId);
        ArgumentNullException.ThrowIfNull(result);
        var items = new List<JsonObject>();
        if (result.Choices.Count == 0)
        {
            return items;
        }
        var choice = result.Choices[0];
        var suffix = responseId["resp_".Length..];
        if (choice.Content.Length > 0 || choice.ToolCalls.Count == 0)
        {
            items.Add(MessageItem("msg_" + suffix, status, status == "completed" ? [TextPart(choice.Content)] : []));
        }
        for (var k = 0; k < choice.ToolCalls.Count; k++)
        {
            var call = choice.ToolCalls[k];
            items.Add(FunctionCallItem($"fc_{suffix}_{k}", call, status == "completed" ? call.Arguments : "", status));
        }
        return items;
    }

    public static JsonObject MessageItem(string id, string status, JsonArray content) => new()
    {
        ["id"] = id,
        ["type"] = "message",
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = content,
    };

    public static JsonObject FunctionCallItem(string id, ToolCall call, string arguments, string status)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new JsonObject
        {
            ["id"] = id,
            ["type"] = "function_call",
            ["status"] = status,
            ["arguments"] = arguments,
            ["call_id"] = call.Id,
            ["name"] = call.Name,
        };
    }

    public static JsonObject TextPart(string text) => new()
    {
        ["type"] = "output_text",
        ["annotations"] = new JsonArray(),
        ["logprobs"] = new JsonArray(),
        ["text"] = text,
    };

    /// <summary>The answer as a chat message, for the stored conversation that previous_response_id continues.</summary>
    public static JsonObject AssistantMessage(LlmResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var choice = result.Choices.Count > 0 ? result.Choices[0] : new LlmChoice(0, "", "stop", []);
        var message = new JsonObject { ["role"] = "assistant", ["content"] = choice.Content.Length > 0 || choice.ToolCalls.Count == 0 ? choice.Content : null };
        if (choice.ToolCalls.Count > 0)
        {
            message["tool_calls"] = new JsonArray(choice.ToolCalls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            }).ToArray());
        }
        return message;
    }

    private static JsonObject Build(string id, long createdAt, string status, long? completedAt, string model, JsonObject echo,
        List<JsonObject> output, JsonObject? error, JsonObject? incomplete, JsonObject? usage)
    {
        ArgumentNullException.ThrowIfNull(echo);
        var response = new JsonObject
        {
            ["id"] = id,
            ["object"] = "response",
            ["created_at"] = createdAt,
            ["status"] = status,
            ["background"] = false,
            ["completed_at"] = completedAt,
            ["error"] = error,
            ["incomplete_details"] = incomplete,
            ["instructions"] = echo["instructions"]?.DeepClone(),
            ["max_output_tokens"] = echo["max_output_tokens"]?.DeepClone(),
            ["model"] = model,
            ["output"] = new JsonArray(output.Select(o => (JsonNode)o).ToArray()),
            ["parallel_tool_calls"] = echo["parallel_tool_calls"]?.DeepClone(),
            ["previous_response_id"] = echo["previous_response_id"]?.DeepClone(),
            ["reasoning"] = new JsonObject { ["effort"] = null, ["summary"] = null },
            ["store"] = echo["store"]?.DeepClone(),
            ["temperature"] = echo["temperature"]?.DeepClone(),
            ["text"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
            ["tool_choice"] = echo["tool_choice"]?.DeepClone(),
            ["tools"] = echo["tools"]?.DeepClone(),
            ["top_p"] = echo["top_p"]?.DeepClone(),
            ["truncation"] = "disabled",
            ["usage"] = usage,
            ["user"] = null,
            ["metadata"] = echo["metadata"]?.DeepClone(),
        };
        return response;
    }
}
