using System.Net;
using System.Text.Json;
using Crynux.Bridge.Api;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Api.ClientContracts;

/// <summary>The routes OpenRouter calls, on the LLM handlers, and openrouter.models_file checked at start.</summary>
public sealed class OpenRouterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string ModelsJson =
        """[{"ID":"Qwen/Qwen2.5-7B","name":"Qwen2.5 7B","created":1735689600,"description":"Served by the Crynux Network","context_length":32768,"max_completion_tokens":3000,"quantization":"bf16","Pricing":{"prompt":"0.0000001","completion":"0.0000002","image":"0","request":"0"}}]""";

    private static string Write(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"crynux-openrouter-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task The_model_list_needs_no_key_and_completions_run_on_the_llm_handlers()
    {
        var path = Write(ModelsJson);
        try
        {
            await using var bridge = await TestBridge.StartAsync(configure: o => o.OpenRouter.ModelsFile = path);
            using var list = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, "v1/openrouter/models"), Ct);
            var json = await TestBridge.JsonAsync(list);
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.False(json.TryGetProperty("message", out _));
            var model = Assert.Single(json.GetProperty("data").EnumerateArray());
            Assert.Equal("Qwen/Qwen2.5-7B", model.GetProperty("id").GetString());
            Assert.Equal(32768, model.GetProperty("context_length").GetInt64());
            Assert.Equal("0.0000002", model.GetProperty("Pricing").GetProperty("completion").GetString());
            Assert.Equal("0.0000001", model.GetProperty("pricing").GetProperty("prompt").GetString());

            using var chat = await bridge.PostAsync("v1/openrouter/chat/completions",
                new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Hi" } } });
            var answer = await TestBridge.JsonAsync(chat);
            Assert.True(chat.StatusCode == HttpStatusCode.OK, answer.ToString());
            Assert.Equal("chat.completion", answer.GetProperty("object").GetString());
            using var completion = await bridge.PostAsync("v1/openrouter/completions", new { model = "Qwen/Qwen2.5-7B", prompt = "Once", max_tokens = 8 });
            var text = await TestBridge.JsonAsync(completion);
            Assert.True(completion.StatusCode == HttpStatusCode.OK, text.ToString());
            Assert.Equal("text_completion", text.GetProperty("object").GetString());
            // Without a key: OpenAI's envelope, as on every OpenAI route.
            using var anonymous = await bridge.PostAsync("v1/openrouter/chat/completions", new { model = "Qwen/Qwen2.5-7B" }, key: "");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.True((await TestBridge.JsonAsync(anonymous)).TryGetProperty("error", out _));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("{\"id\":\"x\"}", "JSON array")]
    [InlineData("[{\"name\":\"no id\"}]", "id is required")]
    [InlineData("[{\"id\":\"x\",\"pricing\":{\"prompt\":0.1}}]", "pricing.prompt")]
    [InlineData("[{\"id\":\"x\",\"context_length\":-1}]", "context_length")]
    [InlineData("[{\"id\":\"x\"}", "cannot be read as JSON")]
    [InlineData(null, "cannot be read")]
    public void A_broken_models_file_stops_the_start_naming_the_key(string? text, string message)
    {
        var path = text is null ? Path.Combine(Path.GetTempPath(), $"crynux-missing-{Guid.NewGuid():N}.json") : Write(text);
        try
        {
            var options = new BridgeOptions { OpenRouter = new OpenRouterOptions { ModelsFile = path } };
            options.DataDir.InferenceTasks = "results";
            options.Relay.BaseUrl = "http://127.0.0.1:1";
            var error = Assert.Throws<ConfigException>(() => ConfigLoader.Validate(options));
            Assert.Equal("openrouter.models_file", error.Key);
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Keys_load_in_any_case_and_defaults_fill_the_rest()
    {
        var path = Write("""[{"Id":"m","PRICING":{"Prompt":"1"}}]""");
        try
        {
            var model = OpenRouterModels.Load(path)[0]!.AsObject();
            Assert.Equal("m", (string?)model["name"]);
            Assert.Equal("1", (string?)model["Pricing"]!["prompt"]);
            Assert.Equal("0", (string?)model["pricing"]!["request"]);
            Assert.Equal(JsonValueKind.Number, JsonDocument.Parse(model.ToJsonString()).RootElement.GetProperty("created").ValueKind);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
