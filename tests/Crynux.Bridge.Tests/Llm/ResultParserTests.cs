using System.Text;
using Crynux.Bridge.Llm;

namespace Crynux.Bridge.Tests.Llm;

public class ResultParserTests
{
    private static LlmResult Parse(string json, bool hasTools = false, bool stripThinking = false) =>
        LlmResultParser.Parse(Encoding.UTF8.GetBytes(json), hasTools, "0xfeed", stripThinking);

    private static string Result(params string[] contents)
    {
        var choices = contents.Select((c, i) => $$"""{"index":{{i}},"message":{"role":"assistant","content":{{c}}},"finish_reason":"stop"}""");
        return "{\"model\":\"m\",\"choices\":[" + string.Join(",", choices) + "],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":11,\"total_tokens\":18}}";
    }

    [Fact]
    public void Reads_model_choices_and_usage()
    {
        var result = Parse("""
            {"model":"Qwen/Qwen2.5-7B","choices":[{"index":0,"message":{"role":"assistant","content":"Paris."},"finish_reason":"stop"},
            {"index":1,"message":{"role":"assistant","content":"It is Paris"},"finish_reason":"length"}],
            "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}
            """);
        Assert.Equal("Qwen/Qwen2.5-7B", result.Model);
        Assert.Equal(12, result.PromptTokens);
        Assert.Equal(5, result.CompletionTokens);
        Assert.Equal(17, result.TotalTokens);
        Assert.Equal(2, result.Choices.Count);
        Assert.Equal((0, "Paris.", "stop"), (result.Choices[0].Index, result.Choices[0].Content, result.Choices[0].FinishReason));
        Assert.Equal((1, "It is Paris", "length"), (result.Choices[1].Index, result.Choices[1].Content, result.Choices[1].FinishReason));
        Assert.Empty(result.Choices[1].ToolCalls);
    }

    [Fact]
    public void Missing_usage_counts_zero_and_missing_fields_get_defaults()
    {
        var result = Parse("""{"choices":[{"message":{"content":null}},{"message":{}}]}""");
        Assert.Equal("", result.Model);
        Assert.Equal((0, 0), (result.PromptTokens, result.CompletionTokens));
        Assert.Equal([0, 1], result.Choices.Select(c => c.Index));
        Assert.All(result.Choices, c => Assert.Equal(("", "stop"), (c.Content, c.FinishReason)));
    }

    [Fact]
    public void With_tools_calls_are_extracted_and_finish_reason_is_tool_calls()
    {
        var result = Parse(Result("\"Sure. <tool_call>{\\\"name\\\":\\\"f\\\",\\\"arguments\\\":{\\\"a\\\":1}}</tool_call>\"", "\"No call here\""), hasTools: true);
        var withCall = result.Choices[0];
        Assert.Equal("tool_calls", withCall.FinishReason);
        Assert.Equal("Sure.", withCall.Content);
        Assert.Equal(new ToolCall("call_0xfeed_0_0", "f", """{"a":1}"""), Assert.Single(withCall.ToolCalls));
        Assert.Equal(("No call here", "stop"), (result.Choices[1].Content, result.Choices[1].FinishReason));
        Assert.Empty(result.Choices[1].ToolCalls);
    }

    [Fact]
    public void Tool_call_ids_use_the_choice_index()
    {
        var block = "\"<tool_call>{\\\"name\\\":\\\"f\\\"}</tool_call>\"";
        var result = Parse(Result(block, block), hasTools: true);
        Assert.Equal("call_0xfeed_1_0", result.Choices[1].ToolCalls[0].Id);
    }

    [Fact]
    public void Without_tools_blocks_stay_in_the_content()
    {
        var result = Parse(Result("\"<tool_call>{\\\"name\\\":\\\"f\\\"}</tool_call>\""));
        Assert.Equal("<tool_call>{\"name\":\"f\"}</tool_call>", result.Choices[0].Content);
        Assert.Equal("stop", result.Choices[0].FinishReason);
        Assert.Empty(result.Choices[0].ToolCalls);
    }

    [Theory]
    [InlineData("<think>plan</think>\n\nAnswer", "Answer")]
    [InlineData("<THINKING>plan</Thinking> Answer", "Answer")]
    [InlineData("reasoning without opening tag</think>Answer", "Answer")]
    [InlineData("a</think>b</think>c", "b</think>c")]
    [InlineData("a</thinking>b</think>c", "b</think>c")]
    [InlineData("No thinking here", "No thinking here")]
    [InlineData("<think>unterminated", "<think>unterminated")]
    public void Strip_thinking_removes_up_to_the_first_closing_tag(string content, string expected)
    {
        var json = Result(System.Text.Json.JsonSerializer.Serialize(content));
        Assert.Equal(expected, Parse(json, stripThinking: true).Choices[0].Content);
        Assert.Equal(content, Parse(json).Choices[0].Content);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"choices":5}""")]
    [InlineData("""{"choices":[1]}""")]
    [InlineData("""{"choices":[{"index":0}]}""")]
    [InlineData("""{"choices":[{"index":"0","message":{"content":"x"}}]}""")]
    [InlineData("""{"choices":[{"message":{"content":5}}]}""")]
    [InlineData("""{"model":5,"choices":[]}""")]
    [InlineData("""{"choices":[{"message":{"content":"x"},"finish_reason":1}]}""")]
    [InlineData("""{"choices":[{"message":{"content":"\ud800"}}]}""")]
    public void A_malformed_result_throws_FormatException(string json) => Assert.Throws<FormatException>(() => Parse(json));
}
