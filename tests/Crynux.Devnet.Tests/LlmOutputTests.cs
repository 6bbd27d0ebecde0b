using System.Net;
using System.Text.Json.Nodes;
using Crynux.Devnet.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

public class LlmOutputTests
{
    private static JsonObject Args(JsonObject? generation = null, JsonArray? tools = null, string content = "Tell me a story", int seed = 0)
    {
        var args = new JsonObject
        {
            ["model"] = "m",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
            ["seed"] = seed,
        };
        if (generation is not null)
        {
            args["generation_config"] = generation;
        }
        if (tools is not null)
        {
            args["tools"] = tools.DeepClone();
        }
        return args;
    }

    private static JsonNode Run(JsonObject args) => JsonNode.Parse(LlmResponder.Respond(args))!;

    private static string Content(JsonNode result, int i = 0) => result["choices"]![i]!["message"]!["content"]!.GetValue<string>();

    [Fact]
    public void Output_is_deterministic_from_messages_and_seed()
    {
        Assert.Equal(Run(Args()).ToJsonString(), Run(Args()).ToJsonString());
        Assert.NotEqual(Content(Run(Args())), Content(Run(Args(seed: 1))));
        Assert.NotEqual(Content(Run(Args())), Content(Run(Args(content: "Another"))));
    }

    [Fact]
    public void Max_new_tokens_truncates_with_finish_reason_length()
    {
        var result = Run(Args(new JsonObject { ["max_new_tokens"] = 3 }));
        Assert.Equal(3, Content(result).Split(' ').Length);
        Assert.Equal("length", result["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(3, result["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.Equal("stop", Run(Args())["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public void Stop_strings_cut_the_text_before_the_stop()
    {
        var full = Content(Run(Args()));
        var stop = full.Split(' ')[4];
        var result = Run(Args(new JsonObject { ["stop_strings"] = new JsonArray(stop) }));
        var cut = Content(result);
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], cut);
        Assert.DoesNotContain(stop, cut);
        Assert.Equal("stop", result["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public void Num_return_sequences_gives_n_distinct_choices_and_summed_usage()
    {
        var result = Run(Args(new JsonObject { ["num_return_sequences"] = 3 }));
        var choices = result["choices"]!.AsArray();
        Assert.Equal([0, 1, 2], choices.Select(c => c!["index"]!.GetValue<int>()));
        Assert.Equal(3, choices.Select(c => c!["message"]!["content"]!.GetValue<string>()).Distinct().Count());
        var completion = choices.Sum(c => c!["message"]!["content"]!.GetValue<string>().Split(' ').Length);
        Assert.Equal(completion, result["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void Naming_a_tool_gives_a_hermes_tool_call()
    {
        var tools = new JsonArray(new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = "get_weather",
                ["parameters"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject { ["city"] = new JsonObject { ["type"] = "string" }, ["days"] = new JsonObject { ["type"] = "integer" } },
                },
            },
        });
        var content = Content(Run(Args(tools: tools, content: "Use get_weather for Paris")));
        var match = System.Text.RegularExpressions.Regex.Match(content, @"<tool_call>\s*({[\s\S]*?})\s*</tool_call>");
        Assert.True(match.Success, content);
        var call = JsonNode.Parse(match.Groups[1].Value)!;
        Assert.Equal("get_weather", call["name"]!.GetValue<string>());
        Assert.Equal("Paris", call["arguments"]!["city"]!.GetValue<string>());
        Assert.DoesNotContain("<tool_call>", Content(Run(Args(tools: tools, content: "Just chat"))));
    }

    [Fact]
    public async Task Llm_task_over_http_honours_n_and_max_tokens()
    {
        await using var devnet = await TestDevnet.StartAsync();
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var spec = await devnet.CreateAsync(TaskSpec.Llm(generation: new JsonObject { ["max_new_tokens"] = 5, ["num_return_sequences"] = 2 }));
        var ready = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(ready))).Status);
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.EndSuccess);
        var result = JsonNode.Parse((await devnet.Creator.ResultAsync(spec.Commitment, 0)).Bytes)!;
        Assert.Equal(2, result["choices"]!.AsArray().Count);
        Assert.All(result["choices"]!.AsArray(), c =>
        {
            Assert.Equal(5, c!["message"]!["content"]!.GetValue<string>().Split(' ').Length);
            Assert.Equal("length", c["finish_reason"]!.GetValue<string>());
        });
        Assert.Equal(10, result["usage"]!["completion_tokens"]!.GetValue<int>());
    }
}
