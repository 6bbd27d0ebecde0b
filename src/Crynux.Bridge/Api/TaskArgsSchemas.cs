using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Crynux.Bridge.Api;

/// <summary>
/// The Relay's task_args JSON schemas (gpt-task and stable-diffusion-task, embedded): raw tasks are checked before they are
/// admitted, so a bad one costs nothing and gets a 400 naming the problem.
/// </summary>
public static class TaskArgsSchemas
{
    private static readonly ConcurrentDictionary<int, JsonSchema> Schemas = new();

    public static string? Validate(int taskType, JsonNode args)
    {
        var schema = Schemas.GetOrAdd(taskType, Load);
        var result = schema.Evaluate(args, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }
        var error = result.Details.FirstOrDefault(d => d.HasErrors && d.Errors!.Count > 0);
        return error is null ? "task_args does not match the task schema" : $"{error.InstanceLocation}: {error.Errors!.Values.First()}";
    }

    private static JsonSchema Load(int taskType)
    {
        var name = taskType switch
        {
            0 => "stable-diffusion-inference-task.json",
            1 => "gpt-inference-task.json",
            _ => "stable-diffusion-finetune-lora-task.json",
        };
        using var stream = typeof(TaskArgsSchemas).Assembly.GetManifestResourceStream("schemas/" + name)
            ?? throw new InvalidOperationException($"schema {name} is not embedded");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd(), new JsonSerializerOptions());
    }
}
