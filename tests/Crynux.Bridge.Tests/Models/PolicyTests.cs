using System.Net;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Models;
using static Crynux.Bridge.Tests.Models.ModelsDevnet;

namespace Crynux.Bridge.Tests.Models;

/// <summary>models.allow / models.deny: a withheld model is 404 model_not_found (as OpenAI answers a model one may not use).</summary>
public sealed class PolicyTests
{
    [Fact]
    public void Deny_wins_prefixes_match_and_an_alias_is_offered_when_either_name_is()
    {
        var policy = new ModelPolicy(new ModelsOptions { Allow = ["qwen/*", "crynux-network/sdxl-turbo"], Deny = ["Qwen/Qwen3.6-27B"] });
        Assert.True(policy.Allows("Qwen/Qwen3.5-9B"));
        Assert.False(policy.Allows("Qwen/Qwen3.6-27B"));
        Assert.False(policy.Allows("qwen/qwen3.6-27b"));
        Assert.False(policy.Allows("NousResearch/Hermes-3-Llama-3.1-8B"));
        Assert.True(policy.Allows("stabilityai/sdxl-turbo", "crynux-network/sdxl-turbo"));
        Assert.True(new ModelPolicy(new ModelsOptions()).Allows("any/model"));
        Assert.False(new ModelPolicy(new ModelsOptions { Deny = ["crynux-network/*"] }).Allows("crynux-ai/sdxl-turbo", "crynux-network/sdxl-turbo"));
    }

    [Fact]
    public async Task Withheld_models_are_404_model_not_found_admit_nothing_and_leave_the_catalog()
    {
        await using var bridge = await StartAsync(o =>
        {
            o.Models.Allow = ["Qwen/*", "crynux-ai/sdxl-turbo"];
            o.Models.Deny = ["Qwen/Qwen3.6-27B"];
        });
        foreach (var (path, body) in new (string, object)[]
                 {
                     ("v1/chat/completions", Chat("Qwen/Qwen3.6-27B")),
                     ("v1/llm/24/chat/completions", Chat("NousResearch/Hermes-3-Llama-3.1-8B")),
                     ("v1/completions", new { model = "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", prompt = "hi" }),
                     ("v1/responses", new { model = "qwen/qwen3.6-27b", input = "hi" }),
                     ("v1/images/generations", new { model = PlainSdModel, prompt = "a fox" }),
                 })
        {
            var (status, answer) = await PostAsync(bridge, path, body);
            Assert.True(status == HttpStatusCode.NotFound, $"{path}: {status} {answer}");
            Assert.Equal(("model", "model_not_found"), Error(answer));
        }
        Assert.Empty(bridge.Devnet.Control.GetTasks());
        Assert.Equal(0, await UsedCountAsync(bridge, "0x" + new string('1', 40)));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/chat/completions", Chat("Qwen/Qwen3.5-9B"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/images/generations", new { prompt = "a fox", size = "256x256" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/chat/completions", Chat("Qwen/Qwen2.5-VL-3B-Instruct"))).Status);
        await RefreshCatalogAsync(bridge);
        var (_, list, _) = await GetAsync(bridge, "v1/models");
        var ids = list.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("qwen/qwen3.5-9b", ids);
        Assert.Contains("crynux-ai/sdxl-turbo", ids);
        Assert.DoesNotContain("stabilityai/sdxl-turbo", ids);
        Assert.DoesNotContain(PlainSdModel, ids);
        var (one, _, _) = await GetAsync(bridge, "v1/models/stabilityai/sdxl-turbo");
        Assert.Equal(HttpStatusCode.NotFound, one);
    }

    [Fact]
    public async Task A_raw_task_naming_a_withheld_model_is_404_on_task_model_ids_and_admits_nothing()
    {
        await using var bridge = await StartAsync(o => o.Models.Deny = ["Qwen/Qwen3.6-27B"]);
        var withheld = new
        {
            task_type = 1,
            task_args = """{"model":"Qwen/Qwen3.6-27B","messages":[{"role":"user","content":"hi"}],"generation_config":{"max_new_tokens":20}}""",
        };
        using var refused = await bridge.PostAsync("v1/inference_tasks", withheld);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        var body = await Support.TestBridge.JsonAsync(refused);
        Assert.Equal("task_model_ids", body.GetProperty("data").GetProperty("field_name").GetString());
        Assert.Empty(bridge.Devnet.Control.GetTasks());

        using var allowed = await bridge.PostAsync("v1/inference_tasks", Support.TestTasks.LlmTask());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
