using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Api;
using Crynux.Bridge.Llm;
using Crynux.Devnet.Nodes;
using Json.Schema;

namespace Crynux.Bridge.Tests.Llm;

/// <summary>Parses request bodies and checks every task_args produced against the devnet's gpt-task schema.</summary>
internal static class LlmTestData
{
    // The devnet embeds src/Crynux.Devnet/TaskArgs/Schemas/gpt-inference-task.json; reading the resource avoids a path
    // that depends on where the build output lives.
    private static readonly Lazy<JsonSchema> GptSchema = new(() =>
    {
        using var stream = typeof(LlmResponder).Assembly.GetManifestResourceStream("Crynux.Devnet.TaskArgs.Schemas.gpt-inference-task.json")
            ?? throw new InvalidOperationException("gpt-inference-task.json is not embedded in Crynux.Devnet");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    });

    public static JsonElement Body(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static LlmRequest Chat(string json, LlmOptions? options = null) => Ok(LlmRequestParser.ParseChat(Body(json), options ?? new()));

    public static LlmRequest Completion(string json, LlmOptions? options = null) =>
        Ok(LlmRequestParser.ParseCompletion(Body(json), options ?? new()));

    public static Problem ChatError(string json, LlmOptions? options = null) =>
        Failed(LlmRequestParser.ParseChat(Body(json), options ?? new()));

    public static Problem CompletionError(string json) => Failed(LlmRequestParser.ParseCompletion(Body(json), new()));

    public static JsonObject Args(LlmRequest request) => JsonNode.Parse(request.TaskArgs)!.AsObject();

    public static JsonObject Generation(LlmRequest request) => Args(request)["generation_config"]!.AsObject();

    public static void AssertSchemaValid(string taskArgs)
    {
        var results = GptSchema.Value.Evaluate(JsonNode.Parse(taskArgs), new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = string.Join("; ", results.Details.Where(d => d.HasErrors)
            .Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}"));
        Assert.True(results.IsValid, $"task_args fail the gpt-task schema: {errors}\n{taskArgs}");
    }

    public static bool SchemaValid(string taskArgs) => GptSchema.Value.Evaluate(JsonNode.Parse(taskArgs)).IsValid;

    /// <summary>A chat body with one user message plus the given extra members (JSON text without braces).</summary>
    public static string ChatBody(string extra = "", string model = "Qwen/Qwen2.5-7B", string content = "\"Hi\"") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":{{content}}}]{{(extra.Length > 0 ? "," + extra : "")}}}""";

    public static string WeatherTool(string name = "get_weather") =>
        """{"type":"function","function":{"name":""" + "\"" + name + "\""
        + ""","description":"Current weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    private static LlmRequest Ok((LlmRequest? Request, Problem? Error) parsed)
    {
        Assert.Null(parsed.Error);
        Assert.NotNull(parsed.Request);
        AssertSchemaValid(parsed.Request.TaskArgs);
        return parsed.Request;
    }

    private static Problem Failed((LlmRequest? Request, Problem? Error) parsed)
    {
        Assert.Null(parsed.Request);
        Assert.NotNull(parsed.Error);
        Assert.Equal(400, parsed.Error.Status);
        Assert.Equal("invalid_request_error", parsed.Error.Type);
        return parsed.Error;
    }
}
