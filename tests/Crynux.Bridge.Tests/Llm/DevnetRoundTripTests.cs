using System.Text;
using System.Text.Json.Nodes;
using Crynux.Bridge.Llm;
using Crynux.Devnet.Nodes;
using static Crynux.Bridge.Tests.Llm.LlmTestData;

namespace Crynux.Bridge.Tests.Llm;

/// <summary>Request → task_args → the devnet's simulated gpt-task node → result → OpenAI response.</summary>
public class DevnetRoundTripTests
{
    private const string Prefix = "0x5eed";

    private static (LlmRequest Request, LlmResult Result) RunChat(string body)
    {
        var request = Chat(body);
        var output = LlmResponder.Respond(JsonNode.Parse(request.TaskArgs)!.AsObject());
        return (request, LlmResultParser.Parse(output, request.HasTools, Prefix, stripThinking: false));
    }

    [Fact]
    public void Plain_chat_round_trips()
    {
        var (_, result) = RunChat(ChatBody(content: "\"What is the capital of France?\""));
        var choice = Assert.Single(result.Choices);
        Assert.StartsWith("Devnet reply:", choice.Content, StringComparison.Ordinal);
        Assert.Equal("stop", choice.FinishReason);
        Assert.Empty(choice.ToolCalls);
        Assert.Equal("Qwen/Qwen2.5-7B", result.Model);
        Assert.Equal(3 + 6, result.PromptTokens);
        Assert.Equal(choice.Content.Split(' ').Length, result.CompletionTokens);

        var response = JsonNode.Parse(OpenAiResponses.ChatCompletion("0xid", 1, result))!;
        Assert.Equal(choice.Content, response["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(result.PromptTokens + result.CompletionTokens, response["usage"]!["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void A_user_message_naming_a_tool_comes_back_as_a_tool_call()
    {
        var (request, result) = RunChat(ChatBody($"\"tools\":[{WeatherTool("get_time")},{WeatherTool()}]",
            content: "\"Please call get_weather for Paris\""));
        Assert.True(request.HasTools);
        var choice = Assert.Single(result.Choices);
        Assert.Equal("tool_calls", choice.FinishReason);
        Assert.Equal("", choice.Content);
        var call = Assert.Single(choice.ToolCalls);
        Assert.Equal("call_0x5eed_0_0", call.Id);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"city":"Paris"}""", call.Arguments);

        var message = JsonNode.Parse(OpenAiResponses.ChatCompletion("0xid", 1, result))!["choices"]![0]!["message"]!;
        Assert.Null(message["content"]);
        Assert.Equal("get_weather", message["tool_calls"]![0]!["function"]!["name"]!.GetValue<string>());

        var streamed = OpenAiResponses.ChatChunks("0xid", 1, result, includeUsage: true).Select(f => JsonNode.Parse(f)!).ToList();
        var arguments = string.Concat(streamed.SelectMany(c => c["choices"]!.AsArray())
            .Select(c => c!["delta"]!["tool_calls"]?[0]?["function"]?["arguments"]?.GetValue<string>() ?? ""));
        Assert.Equal(call.Arguments, arguments);
    }

    [Fact]
    public void Tool_choice_none_gets_plain_text_even_when_the_message_names_the_tool()
    {
        var (request, result) = RunChat(ChatBody($"\"tools\":[{WeatherTool()}],\"tool_choice\":\"none\"", content: "\"Use get_weather\""));
        Assert.False(request.HasTools);
        Assert.StartsWith("Devnet reply:", Assert.Single(result.Choices).Content, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tool_result_turn_is_answered_with_text()
    {
        var (_, result) = RunChat($$$"""
            {"model":"o/m","tools":[{{{WeatherTool()}}}],"messages":[
             {"role":"user","content":"Use get_weather for Paris"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"sunny, 21 C"}]}
            """);
        var choice = Assert.Single(result.Choices);
        Assert.Equal("stop", choice.FinishReason);
        Assert.Empty(choice.ToolCalls);
    }

    [Fact]
    public void Two_sequences_come_back_as_two_choices()
    {
        var (request, result) = RunChat(ChatBody("\"n\":2,\"seed\":7"));
        Assert.Equal(2, request.N);
        Assert.Equal([0, 1], result.Choices.Select(c => c.Index));
        Assert.NotEqual(result.Choices[0].Content, result.Choices[1].Content);
        Assert.Equal(result.Choices.Sum(c => c.Content.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length), result.CompletionTokens);

        var chunks = OpenAiResponses.ChatChunks("0xid", 1, result, includeUsage: false).Select(f => JsonNode.Parse(f)!).ToList();
        foreach (var choice in result.Choices)
        {
            var text = string.Concat(chunks.Select(c => c["choices"]![0]!)
                .Where(c => c["index"]!.GetValue<int>() == choice.Index)
                .Select(c => c["delta"]!["content"]?.GetValue<string>() ?? ""));
            Assert.Equal(choice.Content, text);
        }
    }

    [Fact]
    public void Seed_changes_the_output_deterministically()
    {
        Assert.Equal(RunChat(ChatBody("\"seed\":1")).Result.Choices[0].Content, RunChat(ChatBody("\"seed\":1")).Result.Choices[0].Content);
        Assert.NotEqual(RunChat(ChatBody("\"seed\":1")).Result.Choices[0].Content, RunChat(ChatBody("\"seed\":2")).Result.Choices[0].Content);
    }

    [Fact]
    public void Stop_strings_cut_the_reply()
    {
        var full = RunChat(ChatBody()).Result.Choices[0].Content;
        var stop = full.Split(' ')[3];
        var cut = Assert.Single(RunChat(ChatBody($"\"stop\":\"{stop}\"")).Result.Choices);
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], cut.Content);
        Assert.Equal("stop", cut.FinishReason);
    }

    [Fact]
    public void Max_tokens_truncates_with_finish_reason_length()
    {
        var choice = Assert.Single(RunChat(ChatBody("\"max_completion_tokens\":3")).Result.Choices);
        Assert.Equal("length", choice.FinishReason);
        Assert.Equal(3, choice.Content.Split(' ').Length);
    }

    [Fact]
    public void Completion_round_trips_through_the_text_completion_shape()
    {
        var request = Completion("""{"model":"o/m","prompt":"Once upon a time","max_tokens":4,"stream":true,"stream_options":{"include_usage":true}}""");
        var output = LlmResponder.Respond(JsonNode.Parse(request.TaskArgs)!.AsObject());
        var result = LlmResultParser.Parse(output, request.HasTools, Prefix, stripThinking: true);
        var choice = Assert.Single(result.Choices);
        Assert.Equal("length", choice.FinishReason);

        var body = JsonNode.Parse(Encoding.UTF8.GetString(OpenAiResponses.TextCompletion("0xid", 1, result)))!;
        Assert.Equal(choice.Content, body["choices"]![0]!["text"]!.GetValue<string>());
        var chunks = OpenAiResponses.CompletionChunks("0xid", 1, result, request.IncludeUsage).Select(f => JsonNode.Parse(f)!).ToList();
        Assert.Equal(choice.Content, string.Concat(chunks[..^1].Select(c => c["choices"]![0]!["text"]!.GetValue<string>())));
        Assert.Equal(result.CompletionTokens, chunks[^1]["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void Image_content_reaches_the_node_as_an_image_block()
    {
        var (request, result) = RunChat(ChatBody(content: """[{"type":"text","text":"Describe"},{"type":"image_url","image_url":{"url":"data:image/gif;base64,R0lGODlhAQABAAAAACw="}}]"""));
        Assert.Equal("image", Args(request)["messages"]![0]!["content"]![1]!["type"]!.GetValue<string>());
        Assert.Single(result.Choices);
    }
}
