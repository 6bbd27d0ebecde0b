using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;
using Json.Schema;

namespace Crynux.Devnet.TaskArgs;

/// <summary>
/// The JSON Schemas task_args are checked against (docs/protocol.md §9.1), embedded and loaded once per process.
/// Violations are reported in the format of the Relay's validator: "jsonschema: '&lt;instance&gt;' does not validate
/// with &lt;schema&gt;#&lt;keyword path&gt;: &lt;message&gt;".
/// </summary>
internal static class TaskArgsSchemas
{
    private static readonly Lazy<JsonSchema> Sd = new(() => Load("stable-diffusion-inference-task.json"));
    private static readonly Lazy<JsonSchema> Llm = new(() => Load("gpt-inference-task.json"));
    private static readonly Lazy<JsonSchema> Finetune = new(() => Load("stable-diffusion-finetune-lora-task.json"));

    /// <summary>Returns null when valid, else the validator message.</summary>
    public static string? Check(TaskType type, JsonNode? args)
    {
        var schema = type switch
        {
            TaskType.StableDiffusion => Sd.Value,
            TaskType.Llm => Llm.Value,
            _ => Finetune.Value,
        };
        var results = schema.Evaluate(args, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return null;
        }
        var failure = results.Details.FirstOrDefault(d => d.HasErrors) ?? results;
        var (keyword, message) = failure.Errors?.FirstOrDefault() ?? new KeyValuePair<string, string>("", "validation failed");
        var instance = failure.InstanceLocation.ToString();
        if (keyword == "required")
        {
            var missing = RequiredMissing(failure, args);
            message = "missing properties: " + string.Join(", ", missing.Select(m => $"'{m}'"));
        }
        var path = failure.EvaluationPath.ToString();
        var keywordPath = path.EndsWith("/" + keyword, StringComparison.Ordinal) || keyword.Length == 0 ? path : $"{path}/{keyword}";
        return $"jsonschema: '{instance}' does not validate with {schema.BaseUri}#{keywordPath}: {message}";
    }

    private static IEnumerable<string> RequiredMissing(EvaluationResults failure, JsonNode? root)
    {
        var node = failure.InstanceLocation.TryEvaluate(root, out var found) ? found : null;
        if (node is not JsonObject obj)
        {
            return [];
        }
        var message = failure.Errors!["required"];
        // The library names the missing properties in its message as a JSON array: pick them out.
        var start = message.IndexOf('[', StringComparison.Ordinal);
        var end = message.LastIndexOf(']');
        if (start < 0 || end <= start)
        {
            return [];
        }
        var names = JsonNode.Parse(message[start..(end + 1)]) as JsonArray;
        return names?.Select(n => n!.GetValue<string>()).Where(n => !obj.ContainsKey(n)) ?? [];
    }

    private static JsonSchema Load(string name)
    {
        using var stream = typeof(TaskArgsSchemas).Assembly.GetManifestResourceStream($"Crynux.Devnet.TaskArgs.Schemas.{name}")
            ?? throw new InvalidOperationException($"Embedded schema {name} is missing.");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    }
}
