using System.Net;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Models;
using static Crynux.Bridge.Tests.Models.ModelsDevnet;

namespace Crynux.Bridge.Tests.Models;

/// <summary>The shape of a model id, and bad ids on every route that takes one: 400 naming model, nothing admitted.</summary>
public sealed class ModelIdTests
{
    [Theory]
    [InlineData("Qwen/Qwen3.5-9B")]
    [InlineData("Qwen/Qwen2.5-VL-3B-Instruct")]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")]
    [InlineData("NousResearch/Hermes-3-Llama-3.1-8B")]
    [InlineData("crynux-network/sdxl-turbo")]
    [InlineData("a/b")]
    [InlineData("org_1/name_2.v3")]
    public void Hugging_face_ids_are_accepted(string id) => Assert.Null(ModelId.Check(id));

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("a/b/c")]
    [InlineData("/name")]
    [InlineData("org/")]
    [InlineData("org/-name")]
    [InlineData("org/name.")]
    [InlineData("org/na..me")]
    [InlineData("org/na me")]
    [InlineData(" org/name")]
    [InlineData("org/name\n")]
    [InlineData("org/na\u0000me")]
    [InlineData("org/na\u007fme")]
    [InlineData("https://example.com/x")]
    [InlineData("org/naïve")]
    public void Other_strings_are_refused(string id) => Assert.NotNull(ModelId.Check(id));

    [Fact]
    public void Ids_longer_than_256_characters_are_refused()
    {
        Assert.Null(ModelId.Check("o/" + new string('n', 254)));
        Assert.Contains("at most 256", ModelId.Check("o/" + new string('n', 255)), StringComparison.Ordinal);
        Assert.Contains("control", ModelId.Check("o/\u0001x"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ten_kb")]
    [InlineData("control")]
    [InlineData("no_slash")]
    public async Task A_bad_model_id_is_400_naming_model_on_every_route_and_admits_nothing(string kind)
    {
        var model = kind switch
        {
            "ten_kb" => "org/" + new string('m', 10 * 1024),
            "control" => "Qwen/Qwen3.5-9B\u0007",
            _ => "Qwen3.5-9B",
        };
        await using var bridge = await StartAsync();
        foreach (var (path, body) in new (string, object)[]
                 {
                     ("v1/chat/completions", Chat(model)),
                     ("v1/llm/24/chat/completions", Chat(model)),
                     ("v1/llm/24/completions", new { model, prompt = "hi" }),
                     ("v1/completions", new { model, prompt = "hi" }),
                     ("v1/responses", new { model, input = "hi" }),
                     ("v1/openrouter/chat/completions", Chat(model)),
                     ("v1/images/generations", new { model, prompt = "a fox" }),
                     ("v1/images", new { model, prompt = "a fox" }),
                 })
        {
            var (status, answer) = await PostAsync(bridge, path, body);
            Assert.True(status == HttpStatusCode.BadRequest, $"{path}: {status} {answer}");
            Assert.Equal("model", Error(answer).Param);
        }
        Assert.Empty(bridge.Devnet.Control.GetTasks());
        Assert.Equal(0, await UsedCountAsync(bridge, "0x" + new string('1', 40)));
        Assert.Equal(0, (long)(await bridge.Service<Data.TaskStore>().CountAsync(0, Ct)).Total);
    }

    [Fact]
    public void Config_lists_are_checked_at_start()
    {
        ModelPolicy.Validate(new ModelsOptions { Allow = ["Qwen/*", "meta-llama/Llama-3.1-8B-Instruct"], Deny = ["Qwen/Qwen3"] });
        Assert.Equal("models.allow", Assert.Throws<ConfigException>(() => ModelPolicy.Validate(new ModelsOptions { Allow = ["not an id"] })).Key);
        Assert.Equal("models.deny", Assert.Throws<ConfigException>(() => ModelPolicy.Validate(new ModelsOptions { Deny = ["*"] })).Key);
        Assert.Equal("models.extra[0].type", Assert.Throws<ConfigException>(() =>
            ModelPolicy.Validate(new ModelsOptions { Extra = [new ExtraModelOptions { Id = "a/b", Type = "tts" }] })).Key);
        Assert.Equal("models.extra[0].id", Assert.Throws<ConfigException>(() =>
            ModelPolicy.Validate(new ModelsOptions { Extra = [new ExtraModelOptions { Id = "ab" }] })).Key);
        Assert.Equal("models.catalog_refresh_seconds", Assert.Throws<ConfigException>(() => ModelPolicy.Validate(new ModelsOptions { CatalogRefreshSeconds = 1 })).Key);
    }
}
