using System.Text.Json;
using System.Text.RegularExpressions;
using Crynux.Bridge.Api;

namespace Crynux.Bridge.Llm;

public static partial class LlmRequestParser
{
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();

    /// <summary>tools is null when no tools go to the node (none given, an empty list, or tool_choice "none").</summary>
    private static Problem? ParseTools(JsonElement body, out IReadOnlyList<JsonElement>? tools)
    {
        tools = null;
        var names = new List<string>();
        var list = new List<JsonElement>();
        if (JsonChecks.Has(body, "tools", out var array))
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                return Problem.BadRequest("tools", "tools must be an array");
            }
            foreach (var tool in array.EnumerateArray())
            {
                if (CheckTool(tool, $"tools[{list.Count}]", out var name) is { } error)
                {
                    return error;
                }
                names.Add(name);
                list.Add(tool);
            }
        }
        if (ParseToolChoice(body, names, out var choice) is { } choiceError)
        {
            return choiceError;
        }
        // tool_choice "required" or a named function cannot be enforced on the node: the model sees the tools and
        // decides. "none" is honoured by not showing it the tools at all.
        tools = list.Count > 0 && choice != "none" ? list : null;
        return null;
    }

    private static Problem? CheckTool(JsonElement tool, string at, out string name)
    {
        name = "";
        if (tool.ValueKind != JsonValueKind.Object)
        {
            return Problem.BadRequest(at, $"{at} must be an object");
        }
        if (JsonChecks.String(tool, "type") != "function")
        {
            return Problem.BadRequest($"{at}.type", $"{at}.type must be \"function\"");
        }
        if (!JsonChecks.Has(tool, "function", out var function) || function.ValueKind != JsonValueKind.Object)
        {
            return Problem.BadRequest($"{at}.function", $"{at}.function must be an object");
        }
        if (JsonChecks.String(function, "name") is not { } n || !FunctionName().IsMatch(n))
        {
            return Problem.BadRequest($"{at}.function.name",
                $"{at}.function.name must be 1 to 64 letters, digits, underscores or dashes");
        }
        if (JsonChecks.Has(function, "description", out var description) && description.ValueKind != JsonValueKind.String)
        {
            return Problem.BadRequest($"{at}.function.description", $"{at}.function.description must be a string");
        }
        if (JsonChecks.Has(function, "parameters", out var parameters) && parameters.ValueKind != JsonValueKind.Object)
        {
            return Problem.BadRequest($"{at}.function.parameters", $"{at}.function.parameters must be a JSON Schema object");
        }
        if (!JsonChecks.IsTranscodable(tool))
        {
            return Problem.BadRequest(at, $"{at} contains a string that is not valid UTF-16 text");
        }
        name = n;
        return null;
    }

    /// <summary>choice is "none", "auto", "required" or "function" (a named function that is in tools).</summary>
    private static Problem? ParseToolChoice(JsonElement body, List<string> names, out string choice)
    {
        choice = "auto";
        if (!JsonChecks.Has(body, "tool_choice", out var e))
        {
            return null;
        }
        if (JsonChecks.AsString(e) is "none" or "auto" or "required")
        {
            choice = e.GetString()!;
            if (choice == "required" && names.Count == 0)
            {
                return Problem.BadRequest("tool_choice", "tool_choice \"required\" needs tools");
            }
            return null;
        }
        var name = JsonChecks.String(e, "type") == "function" && JsonChecks.Has(e, "function", out var function)
            ? JsonChecks.String(function, "name") : null;
        if (name is null)
        {
            return Problem.BadRequest("tool_choice",
                "tool_choice must be \"none\", \"auto\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":…}}");
        }
        if (!names.Contains(name))
        {
            return Problem.BadRequest("tool_choice", $"tool_choice names the function \"{name}\", which is not in tools");
        }
        choice = "function";
        return null;
    }
}
