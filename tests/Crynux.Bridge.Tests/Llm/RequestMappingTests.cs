using System.Text.Json.Nodes;
using Crynux.Bridge.Llm;
using static Crynux.Bridge.Tests.Llm.LlmTestData;

namespace Crynux.Bridge.Tests.Llm;

public class RequestMappingTests
{
    [Fact]
    public void Minimal_chat_gives_the_default_task_args_in_key_order()
    {
        var request = Chat("""{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"What is the capital of France?"}]}""");
        Assert.Equal(
            """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"What is the capital of France?"}],"generation_config":{"max_new_tokens":3000,"num_return_sequences":1},"seed":0,"dtype":"bfloat16"}""",
            request.TaskArgs);
        Assert.Equal("Qwen/Qwen2.5-7B", request.Model);
        Assert.Equal(1, request.N);
        Assert.False(request.Stream);
        Assert.False(request.IncludeUsage);
        Assert.False(request.HasTools);
        Assert.Equal(24UL, request.MinVram);
        Assert.Empty(request.IgnoredParameters);
    }

    [Theory]
    [InlineData("Qwen/Qwen2.5-7B", "bfloat16")]
    [InlineData("qwen/qwen2.5-0.5b-instruct", "bfloat16")]
    [InlineData("Qwen/Qwen3-8B", "auto")]
    [InlineData("meta-llama/Llama-3.2-1B-Instruct", "auto")]
    public void Dtype_is_bfloat16_only_for_qwen2_5(string model, string dtype) =>
        Assert.Equal(dtype, Args(Chat(ChatBody(model: model)))["dtype"]!.GetValue<string>());

    [Fact]
    public void All_sampling_parameters_map_into_generation_config_in_order()
    {
        var request = Chat(ChatBody("""
            "temperature":0.7,"top_p":0.9,"top_k":40,"min_p":0.05,"repetition_penalty":1.1,"seed":42,"n":2,
            "max_tokens":100,"stop":["\n\n","END"]
            """));
        var args = Args(request);
        Assert.Equal(
            """{"max_new_tokens":100,"stop_strings":["\n\n","END"],"do_sample":true,"temperature":0.7,"top_k":40,"top_p":0.9,"min_p":0.05,"repetition_penalty":1.1,"num_return_sequences":2}""",
            args["generation_config"]!.ToJsonString());
        Assert.Equal(42, args["seed"]!.GetValue<long>());
        Assert.Equal(2, request.N);
        Assert.Equal(["model", "messages", "generation_config", "seed", "dtype"], args.Select(p => p.Key));
    }

    [Fact]
    public void Temperature_zero_is_greedy_without_a_temperature_key()
    {
        var generation = Generation(Chat(ChatBody("\"temperature\":0")));
        Assert.False(generation["do_sample"]!.GetValue<bool>());
        Assert.False(generation.ContainsKey("temperature"));
    }

    [Fact]
    public void Without_temperature_several_sequences_sample_and_one_sequence_leaves_do_sample_out()
    {
        var several = Generation(Chat(ChatBody("\"n\":3")));
        Assert.True(several["do_sample"]!.GetValue<bool>());
        Assert.False(several.ContainsKey("temperature"));
        Assert.Equal(3, several["num_return_sequences"]!.GetValue<int>());

        var one = Generation(Chat(ChatBody("\"n\":1")));
        Assert.False(one.ContainsKey("do_sample"));
        Assert.False(one.ContainsKey("temperature"));
    }

    [Theory]
    [InlineData("\"max_tokens\":10", 10)]
    [InlineData("\"max_completion_tokens\":20", 20)]
    [InlineData("\"max_tokens\":10,\"max_completion_tokens\":20", 20)]
    [InlineData("\"max_completion_tokens\":20,\"max_tokens\":10", 20)]
    [InlineData("\"max_tokens\":32768", 32768)]
    [InlineData("\"max_tokens\":null", 3000)]
    public void Max_completion_tokens_wins_over_max_tokens(string extra, int expected) =>
        Assert.Equal(expected, Generation(Chat(ChatBody(extra)))["max_new_tokens"]!.GetValue<int>());

    [Fact]
    public void Options_set_the_defaults_and_limits()
    {
        var options = new LlmOptions { DefaultMaxTokens = 77, MaxTokensLimit = 100, MaxN = 2, DefaultMinVram = 8 };
        var request = Chat(ChatBody(), options);
        Assert.Equal(77, Generation(request)["max_new_tokens"]!.GetValue<int>());
        Assert.Equal(8UL, request.MinVram);
        Assert.Equal("max_tokens", ChatError(ChatBody("\"max_tokens\":101"), options).Param);
        Assert.Equal("n must be an integer between 1 and 2", ChatError(ChatBody("\"n\":3"), options).Message);
    }

    [Fact]
    public void Stop_as_a_string_becomes_one_stop_string()
    {
        Assert.Equal("""["###"]""", Generation(Chat(ChatBody("\"stop\":\"###\"")))["stop_strings"]!.ToJsonString());
        Assert.False(Generation(Chat(ChatBody("\"stop\":[]"))).ContainsKey("stop_strings"));
    }

    [Fact]
    public void Stream_and_include_usage_are_reported()
    {
        var plain = Chat(ChatBody("\"stream\":true"));
        Assert.True(plain.Stream);
        Assert.False(plain.IncludeUsage);
        var usage = Chat(ChatBody("\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        Assert.True(usage.Stream);
        Assert.True(usage.IncludeUsage);
        Assert.False(Chat(ChatBody("\"stream\":true,\"stream_options\":{}")).IncludeUsage);
        Assert.False(Chat(ChatBody("\"stream\":false,\"stream_options\":null")).Stream);
    }

    [Theory]
    [InlineData("\"vram_limit\":8", 8UL)]
    [InlineData("\"vram_limit\":0", 0UL)]
    [InlineData("\"vram_limit\":1024", 1024UL)]
    [InlineData("\"vram_limit\":null", 24UL)]
    public void Vram_limit_sets_min_vram(string extra, ulong expected) => Assert.Equal(expected, Chat(ChatBody(extra)).MinVram);

    [Theory]
    [InlineData("\"seed\":-9007199254740992", -9007199254740992L)]
    [InlineData("\"seed\":9007199254740992", 9007199254740992L)]
    [InlineData("\"seed\":7.0", 7L)]
    [InlineData("\"seed\":null", 0L)]
    public void Seed_is_any_safe_integer(string extra, long expected) =>
        Assert.Equal(expected, Args(Chat(ChatBody(extra)))["seed"]!.GetValue<long>());

    [Fact]
    public void Ignored_parameters_are_listed_and_not_sent()
    {
        var request = Chat(ChatBody("""
            "frequency_penalty":0.5,"presence_penalty":-1,"logit_bias":{"50256":-100},"logprobs":true,"top_logprobs":2,
            "response_format":{"type":"json_object"},"user":"u1","parallel_tool_calls":false,"service_tier":"auto"
            """));
        Assert.Equal(
            ["frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs", "response_format", "user", "service_tier",
                "parallel_tool_calls"],
            request.IgnoredParameters);
        Assert.Equal(Chat(ChatBody()).TaskArgs, request.TaskArgs);
        Assert.Empty(Chat(ChatBody("\"frequency_penalty\":null,\"user\":null")).IgnoredParameters);
    }

    [Fact]
    public void Unknown_fields_and_null_parameters_are_ignored()
    {
        var request = Chat(ChatBody("""
            "temperature":null,"top_p":null,"top_k":null,"min_p":null,"repetition_penalty":null,"n":null,"stop":null,
            "stream":null,"tools":null,"tool_choice":null,"x_custom":{"a":[1,2]},"name":"ignored"
            """));
        Assert.Equal(Chat(ChatBody()).TaskArgs, request.TaskArgs);
    }

    [Fact]
    public void Range_edges_are_accepted()
    {
        var generation = Generation(Chat(ChatBody("\"temperature\":2,\"top_p\":0,\"min_p\":1,\"repetition_penalty\":2,\"top_k\":1")));
        Assert.Equal(2, generation["temperature"]!.GetValue<double>());
        Assert.Equal(0, generation["top_p"]!.GetValue<double>());
        Assert.Equal(1, generation["min_p"]!.GetValue<double>());
        Assert.Equal(2, generation["repetition_penalty"]!.GetValue<double>());
        Assert.Equal(1, generation["top_k"]!.GetValue<int>());
        Assert.Equal(8, Chat(ChatBody("\"n\":8,\"frequency_penalty\":-2,\"presence_penalty\":2")).N);
    }

    [Fact]
    public void Completion_sends_the_prompt_as_one_user_message_and_never_tools()
    {
        var request = Completion($$"""{"model":"o/m","prompt":"Once upon a time","max_tokens":5,"tools":[{{WeatherTool()}}],"echo":true}""");
        Assert.Equal(
            """{"model":"o/m","messages":[{"role":"user","content":"Once upon a time"}],"generation_config":{"max_new_tokens":5,"num_return_sequences":1},"seed":0,"dtype":"auto"}""",
            request.TaskArgs);
        Assert.False(request.HasTools);
        Assert.Equal(["echo"], request.IgnoredParameters);
        Assert.Equal(Completion("""{"model":"o/m","prompt":["Once upon a time"],"max_tokens":5}""").TaskArgs, request.TaskArgs);
    }

    [Fact]
    public void Completion_maps_sampling_and_streaming_like_chat()
    {
        var request = Completion("""{"model":"o/m","prompt":"p","temperature":1,"n":2,"stop":"x","stream":true,"stream_options":{"include_usage":true},"vram_limit":16}""");
        Assert.Equal(
            """{"max_new_tokens":3000,"stop_strings":["x"],"do_sample":true,"temperature":1,"num_return_sequences":2}""",
            Generation(request).ToJsonString());
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Equal(16UL, request.MinVram);
        Assert.Equal(2, request.N);
    }

    [Fact]
    public void Non_ascii_text_survives_into_task_args()
    {
        var request = Chat(ChatBody(content: "\"Grüße, 世界 😀 <b>&</b>\""));
        Assert.Equal("Grüße, 世界 😀 <b>&</b>", Args(request)["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void Task_args_canonicalise_for_signing_with_the_same_values()
    {
        var request = Chat(ChatBody($"\"temperature\":0.7,\"top_p\":0.95,\"seed\":9007199254740992,\"stop\":[\"</s>\"],\"tools\":[{WeatherTool()}]",
            content: "\"Grüße 😀 <tag> & \\\"quotes\\\"\""));
        var canonical = Crynux.Crypto.GoJson.CanonicalizeToString(JsonNode.Parse(request.TaskArgs));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(request.TaskArgs), JsonNode.Parse(canonical)));
    }

    [Fact]
    public void Large_valid_bodies_map_to_schema_valid_task_args()
    {
        var messages = new JsonArray();
        for (var i = 0; i < 50; i++)
        {
            messages.Add(new JsonObject { ["role"] = i % 2 == 0 ? "user" : "assistant", ["content"] = $"turn {i}" });
        }
        var body = new JsonObject { ["model"] = "o/m", ["messages"] = messages, ["temperature"] = 0.3 };
        var args = Args(Chat(body.ToJsonString()));
        Assert.Equal(50, args["messages"]!.AsArray().Count);
    }
}
