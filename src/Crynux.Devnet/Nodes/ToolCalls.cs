using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crynux.Devnet.Nodes;

/// <summary>Hermes-style tool calls for the LLM stand-in: which tool, and arguments filled from its JSON schema.</summary>
internal static class ToolCalls
{
    /// <summary>A tool the user message names, else the first tool when the message says "tool"; null otherwise.</summary>
    public static JsonObject? Choose(JsonArray tools, string userText)
    {
        var functions = tools.OfType<JsonObject>().Select(t => t["function"] as JsonObject ?? t)
            .Where(f => f["name"] is JsonValue).ToList();
        var named = functions.FirstOrDefault(f => userText.Contains(f["name"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase));
        if (named is not null)
        {
            return named;
        }
        return userText.Contains("tool", StringComparison.OrdinalIgnoreCase) ? functions.FirstOrDefault() : null;
    }

    public static string Render(JsonObject function, string userText, byte[] hash)
    {
        var arguments = new JsonObject();
        var parameters = function["parameters"] as JsonObject;
        var lastWord = userText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim('?', '!', '.', ',', ';', ':', '"', '\'')).LastOrDefault(w => w.Length > 0) ?? "devnet";
        var n = 0;
        foreach (var (name, schema) in parameters?["properties"] as JsonObject ?? [])
        {
            var type = (schema as JsonObject)?["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : "string";
            arguments[name] = (schema as JsonObject)?["enum"] is JsonArray { Count: > 0 } options
                ? options[0]!.DeepClone()
                : type switch
                {
                    "integer" or "number" => 1 + (hash[n % hash.Length] % 10),
                    "boolean" => true,
                    "array" => new JsonArray(),
                    "object" => new JsonObject(),
                    _ => lastWord,
                };
            n++;
        }
        var call = new JsonObject { ["name"] = function["name"]!.GetValue<string>(), ["arguments"] = arguments };
        return "<tool_call> " + call.ToJsonString(Http.RelayResponses.Json) + " </tool_call>";
    }
}
