using System.Net;
using System.Text.Json;
using Crynux.Devnet.Relay;
using static Crynux.Bridge.Tests.Models.ModelsDevnet;

namespace Crynux.Bridge.Tests.Models;

/// <summary>Any Hugging Face model id passes through to the Relay, whose base-model check decides what exists.</summary>
public sealed class PassthroughTests
{
    [Fact]
    public async Task Each_model_of_the_issue_is_answered_on_chat_and_reaches_the_relay()
    {
        await using var bridge = await StartAsync();
        foreach (var model in IssueModels)
        {
            var (status, body) = await PostAsync(bridge, "v1/chat/completions", Chat(model));
            Assert.True(status == HttpStatusCode.OK, $"{model}: {status} {body}");
            Assert.Equal(model, body.GetProperty("model").GetString());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
            var task = bridge.Devnet.Control.GetTasks()[^1];
            Assert.Equal(["base:" + model.ToLowerInvariant()], task.ModelIds);
            using var args = JsonDocument.Parse(task.TaskArgs);
            // The Relay lower-cases what the bridge sent verbatim (the answer above names the model as asked).
            Assert.Equal(model.ToLowerInvariant(), args.RootElement.GetProperty("model").GetString());
            // Upstream's dtype rule: bfloat16 for the Qwen2.5 family only.
            Assert.Equal(model.StartsWith("Qwen/Qwen2.5", StringComparison.Ordinal) ? "bfloat16" : "auto", args.RootElement.GetProperty("dtype").GetString());
            Assert.Equal(24UL, task.MinVram);
        }
        Assert.Equal(IssueModels.Length, bridge.Devnet.Control.GetTasks().Count(t => t.Status == RelayTaskStatus.EndSuccess));
    }

    [Theory]
    [InlineData("v1/completions")]
    [InlineData("v1/llm/completions")]
    [InlineData("v1/responses")]
    [InlineData("v1/openrouter/chat/completions")]
    [InlineData("v1/openrouter/completions")]
    public async Task A_passed_through_model_works_on_every_llm_route(string path)
    {
        await using var bridge = await StartAsync();
        const string model = "NousResearch/Hermes-3-Llama-3.1-8B";
        object body = path.EndsWith("responses", StringComparison.Ordinal) ? new { model, input = "hi" }
            : path.EndsWith("chat/completions", StringComparison.Ordinal) ? Chat(model)
            : new { model, prompt = "hi" };
        var (status, answer) = await PostAsync(bridge, path, body);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {answer}");
        Assert.Equal(["base:nousresearch/hermes-3-llama-3.1-8b"], Assert.Single(bridge.Devnet.Control.GetTasks()).ModelIds);
    }

    [Fact]
    public async Task A_model_on_no_node_and_not_in_the_hub_is_404_model_not_found_and_costs_no_use_and_no_fee()
    {
        await using var bridge = await StartAsync();
        var client = "0x" + new string('5', 40);
        var key = await bridge.CreateKeyAsync(client, "chat,image", useLimit: 5, rateLimit: 0);
        foreach (var (path, body) in new (string, object)[]
                 {
                     ("v1/chat/completions", Chat("no-such-org/no-such-model")),
                     ("v1/llm/24/chat/completions", Chat("no-such-org/no-such-model")),
                     ("v1/responses", new { model = "no-such-org/no-such-model", input = "hi" }),
                     ("v1/images/generations", new { model = "no-such-org/no-such-model", prompt = "a fox" }),
                 })
        {
            var (status, answer) = await PostAsync(bridge, path, body, key);
            Assert.True(status == HttpStatusCode.NotFound, $"{path}: {status} {answer}");
            Assert.Equal(("model", "model_not_found"), Error(answer));
        }
        Assert.Equal(0, await UsedCountAsync(bridge, client));
        Assert.Empty(bridge.Devnet.Control.GetTasks());
        Assert.Equal(0, bridge.CountLedger("TaskPayment"));
    }

    [Fact]
    public async Task A_model_in_the_hub_but_on_no_node_is_created_on_the_relay_and_waits_for_a_node()
    {
        await using var bridge = await StartAsync();
        bridge.Devnet.Control.AddHubModel("some-org/hub-only-model");
        var pending = bridge.PostAsync("v1/chat/completions", Chat("some-org/hub-only-model"));
        var created = await WaitForRelayTaskAsync(bridge);
        Assert.Equal(RelayTaskStatus.Queued, created.Status);
        Assert.Equal(["base:some-org/hub-only-model"], created.ModelIds);
        // No node ever downloads it here: the Relay's queue timeout ends it, and the client hears a timeout, not a 404.
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(101));
        bridge.Devnet.Control.RunDueTimers();
        using var response = await pending;
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task Image_models_pass_through_with_default_weights_and_aliases_name_the_fp16_copies()
    {
        await using var bridge = await StartAsync();
        var (status, body) = await PostAsync(bridge, "v1/images/generations", new { model = PlainSdModel, prompt = "a fox", size = "256x256" });
        Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        var plain = bridge.Devnet.Control.GetTasks()[^1];
        Assert.Equal(["base:" + PlainSdModel], plain.ModelIds);
        Assert.Equal(10UL, plain.MinVram);
        using (var args = JsonDocument.Parse(plain.TaskArgs))
        {
            Assert.False(args.RootElement.GetProperty("base_model").TryGetProperty("variant", out _));
        }

        // Upstream's misspelt alias of SD 1.5 names the network's fp16 copy, with its settings.
        (status, body) = await PostAsync(bridge, "v1/images/generations", new { model = "ruwnayml/stable-diffusion-v1-5", prompt = "a fox", size = "256x256" });
        Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        var alias = bridge.Devnet.Control.GetTasks()[^1];
        Assert.Equal(["base:crynux-network/stable-diffusion-v1-5+fp16"], alias.ModelIds);
        Assert.Equal(8UL, alias.MinVram);
    }

    [Theory]
    [InlineData("Qwen/Qwen3.5-9B", true)]
    [InlineData("qwen/qwen3.6-27b", true)]
    [InlineData("Qwen/Qwen2.5-VL-3B-Instruct", false)]
    [InlineData("NousResearch/Hermes-3-Llama-3.1-8B", false)]
    public void Qwen_3_5_and_3_6_with_tools_are_sent_with_thinking_off(string model, bool off)
    {
        const string tools = ""","tools":[{"type":"function","function":{"name":"lookup"}}]""";
        foreach (var withTools in new[] { true, false })
        {
            using var body = JsonDocument.Parse($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]{{(withTools ? tools : "")}}}""");
            var (request, error) = Bridge.Llm.LlmRequestParser.ParseChat(body.RootElement, new Bridge.Llm.LlmOptions());
            Assert.Null(error);
            using var args = JsonDocument.Parse(request!.TaskArgs);
            var sent = args.RootElement.TryGetProperty("template_args", out var template);
            Assert.Equal(off && withTools, sent);
            if (sent)
            {
                Assert.False(template.GetProperty("enable_thinking").GetBoolean());
            }
        }
    }

    private static async Task<TaskSnapshot> WaitForRelayTaskAsync(Support.TestBridge bridge)
    {
        for (var i = 0; i < 3000; i++)
        {
            if (bridge.Devnet.Control.GetTasks() is [var task, ..])
            {
                return task;
            }
            await Task.Delay(10, Ct);
        }
        throw new TimeoutException("the bridge never created the task on the Relay");
    }
}
