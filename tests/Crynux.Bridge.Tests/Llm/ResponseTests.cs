using System.ClientModel.Primitives;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Api;
using Crynux.Bridge.Llm;
using OpenAI.Chat;

namespace Crynux.Bridge.Tests.Llm;

public class ResponseTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static readonly LlmResult Text = new("Qwen/Qwen2.5-7B", [new LlmChoice(0, "Paris is the capital.", "stop", [])], 9, 5);

    internal static readonly LlmResult Tools = new("m",
    [
        new LlmChoice(0, "", "tool_calls", [new ToolCall("call_x_0_0", "get_weather", """{"city":"Paris"}"""), new ToolCall("call_x_0_1", "now", "{}")]),
        new LlmChoice(1, "Let me look.", "tool_calls", [new ToolCall("call_x_1_0", "get_weather", """{"city":"Rome"}""")]),
    ], 20, 30);

    [Fact]
    public void Chat_completion_has_the_openai_shape()
    {
        var json = Encoding.UTF8.GetString(OpenAiResponses.ChatCompletion("0xabc", 1700000000, Text));
        Assert.Equal(
            """{"id":"0xabc","object":"chat.completion","created":1700000000,"model":"Qwen/Qwen2.5-7B","choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14}}""",
            json);
    }

    [Fact]
    public void Tool_calls_null_the_content_only_when_there_is_no_text()
    {
        var json = JsonNode.Parse(OpenAiResponses.ChatCompletion("id", 1, Tools))!;
        var first = json["choices"]![0]!["message"]!;
        Assert.Null(first["content"]);
        Assert.True(first.AsObject().ContainsKey("content"));
        Assert.Equal(
            """[{"id":"call_x_0_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"call_x_0_1","type":"function","function":{"name":"now","arguments":"{}"}}]""",
            first["tool_calls"]!.ToJsonString(Relaxed));
        Assert.Equal("tool_calls", json["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal("Let me look.", json["choices"]![1]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(1, json["choices"]![1]!["index"]!.GetValue<int>());
    }

    [Fact]
    public void Empty_text_without_tool_calls_stays_a_string()
    {
        var result = new LlmResult("m", [new LlmChoice(0, "", "length", [])], 1, 0);
        var message = JsonNode.Parse(OpenAiResponses.ChatCompletion("id", 1, result))!["choices"]![0]!["message"]!;
        Assert.Equal("", message["content"]!.GetValue<string>());
        Assert.False(message.AsObject().ContainsKey("tool_calls"));
    }

    [Fact]
    public void Text_completion_has_the_openai_shape()
    {
        var result = new LlmResult("m", [new LlmChoice(0, "once", "stop", []), new LlmChoice(1, "twice", "length", [])], 3, 4);
        Assert.Equal(
            """{"id":"cmpl","object":"text_completion","created":5,"model":"m","choices":[{"text":"once","index":0,"logprobs":null,"finish_reason":"stop"},{"text":"twice","index":1,"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""",
            Encoding.UTF8.GetString(OpenAiResponses.TextCompletion("cmpl", 5, result)));
    }

    [Fact]
    public void Error_envelope_always_has_all_four_keys()
    {
        Assert.Equal(
            """{"error":{"message":"temperature must be a number between 0 and 2","type":"invalid_request_error","param":"temperature","code":null}}""",
            Encoding.UTF8.GetString(Problem.BadRequest("temperature", "temperature must be a number between 0 and 2").OpenAiBody()));
        Assert.Equal(
            """{"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}""",
            Encoding.UTF8.GetString(new Problem(429, null, "slow down", "requests", "rate_limit_exceeded").OpenAiBody()));
    }

    [Fact]
    public void The_openai_sdk_reads_the_chat_completion()
    {
        var completion = ModelReaderWriter.Read<ChatCompletion>(BinaryData.FromBytes(OpenAiResponses.ChatCompletion("id1", 1700000000, Text)))!;
        Assert.Equal("id1", completion.Id);
        Assert.Equal("Paris is the capital.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(14, completion.Usage.TotalTokenCount);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), completion.CreatedAt);

        var tools = ModelReaderWriter.Read<ChatCompletion>(BinaryData.FromBytes(OpenAiResponses.ChatCompletion("id2", 1, Tools)))!;
        Assert.Equal(ChatFinishReason.ToolCalls, tools.FinishReason);
        Assert.Equal(["get_weather", "now"], tools.ToolCalls.Select(c => c.FunctionName));
        Assert.Equal("""{"city":"Paris"}""", tools.ToolCalls[0].FunctionArguments.ToString());
    }
}
