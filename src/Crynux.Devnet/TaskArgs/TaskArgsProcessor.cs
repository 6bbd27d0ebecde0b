using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Crypto;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.TaskArgs;

/// <summary>task_args checks and normalization of docs/protocol.md §9 (schema, pricing parse errors, lowercased models).</summary>
internal static class TaskArgsProcessor
{
    private static readonly string[] SdModelPaths = ["lora.model", "controlnet.model", "refiner.model", "unet", "vae", "textual_inversion"];

    /// <summary>Validates and re-serializes task_args; returns the stored string and a work estimate in node-seconds.</summary>
    public static (string Normalized, double EstimatedSeconds) Prepare(string raw, TaskType type)
    {
        JsonNode? args;
        try
        {
            args = JsonNode.Parse(raw);
        }
        catch (JsonException e)
        {
            throw RelayException.Internal(GoJsonSyntaxError(raw, e));
        }
        if (TaskArgsSchemas.Check(type, args) is { } violation)
        {
            throw RelayException.Validation("task_args", violation);
        }
        if (args is not JsonObject obj)
        {
            throw RelayException.Internal($"json: cannot unmarshal {GoKind(args)} into Go value of type map[string]interface {{}}");
        }
        var estimate = TaskEstimate.Seconds(type, obj);
        Normalize(type, obj);
        return (GoJson.CanonicalizeToString(obj), estimate);
    }

    /// <summary>Lowercases model names (except http(s) URLs), as NormalizeTaskArgsModelNames does.</summary>
    private static void Normalize(TaskType type, JsonObject args)
    {
        switch (type)
        {
            case TaskType.Llm:
                Lower(args, "model");
                break;
            case TaskType.StableDiffusion:
                if (args["base_model"] is JsonObject baseModel)
                {
                    Lower(baseModel, "name");
                }
                else
                {
                    Lower(args, "base_model");
                }
                foreach (var path in SdModelPaths)
                {
                    var parts = path.Split('.');
                    var owner = parts.Length == 2 ? args[parts[0]] as JsonObject : args;
                    if (owner is not null)
                    {
                        Lower(owner, parts[^1]);
                    }
                }
                break;
            default:
                if (args["model"] is JsonObject model)
                {
                    Lower(model, "name");
                }
                break;
        }
    }

    private static void Lower(JsonObject owner, string key)
    {
        if (owner[key] is JsonValue value && value.TryGetValue<string>(out var text)
            && !text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            && !text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            owner[key] = text.ToLowerInvariant();
        }
    }

    private static string GoKind(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "array",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "string",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => "number",
        _ => "bool",
    };

    /// <summary>An approximation of Go's encoding/json syntax error text (the position comes from System.Text.Json).</summary>
    private static string GoJsonSyntaxError(string raw, JsonException error)
    {
        var lines = raw.Split('\n');
        var line = (int)Math.Min(error.LineNumber ?? 0, lines.Length - 1);
        var column = (int)(error.BytePositionInLine ?? 0);
        var offset = lines.Take(line).Sum(l => l.Length + 1) + column;
        var rest = offset < raw.Length ? raw[offset..].TrimStart() : "";
        if (rest.Length == 0)
        {
            return "unexpected end of JSON input";
        }
        var context = raw[..offset].TrimEnd() switch
        {
            "" => "looking for beginning of value",
            var before when before.EndsWith('}') || before.EndsWith(']') => "after top-level value",
            _ => "looking for beginning of value",
        };
        return $"invalid character '{rest[0]}' {context}";
    }
}
