using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Llm;

namespace Crynux.Bridge.Tests.Responses;

public sealed class ResponsesRequestParserTests
{
    private static readonly LlmOptions Options = new();

    private static ResponsesRequest Parse(string body, JsonArray? history = null)
    {
        using var doc = JsonDocument.Parse(body);
        var (request, error) = ResponsesRequestParser.Parse(doc.RootElement, history, Options);
        Assert.Null(error);
        return request!;
    }

    private static JsonArray Messages(ResponsesRequest request) => JsonNode.Parse(request.Chat.TaskArgs)!["messages"]!.AsArray();

    [Fact]
    public void A_string_input_with_instructions_is_a_system_and_a_user_message_and_settings_map_to_generation()
    {
        var request = Parse("""{"model":"o/m","input":"hi","instructions":"be brief","max_output_tokens":50,"temperature":0.3,"top_p":0.8}""");
        Assert.Equal("""[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]""", Messages(request).ToJsonString());
        var generation = JsonNode.Parse(request.Chat.TaskArgs)!["generation_config"]!;
        Assert.Equal((50, 0.3, 0.8), (generation["max_new_tokens"]!.GetValue<int>(), generation["temperature"]!.GetValue<double>(), generation["top_p"]!.GetValue<double>()));
        // Instructions are not part of the conversation that a later turn continues.
        Assert.Equal("""[{"role":"user","content":"hi"}]""", request.Conversation.ToJsonString());
        Assert.True(request.Store);
        Assert.Equal("be brief", request.Echo["instructions"]!.GetValue<string>());
        Assert.Equal("auto", request.Echo["tool_choice"]!.GetValue<string>());
    }

    [Fact]
    public void Function_calls_and_outputs_become_an_assistant_turn_with_tool_calls_and_tool_messages_after_the_history()
    {
        var history = JsonNode.Parse("""[{"role":"user","content":"weather?"}]""")!.AsArray();
        var request = Parse("""
            {"model":"o/m","store":false,"tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"}}],"tool_choice":{"type":"function","name":"get_weather"},
             "input":[{"type":"function_call","call_id":"c1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
                      {"type":"function_call","call_id":"c2","name":"get_weather","arguments":"{\"city\":\"Rome\"}"},
                      {"type":"function_call_output","call_id":"c1","output":"21"},
                      {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"2"},{"type":"input_text","text":"5"}]}]}
            """, history);
        var messages = Messages(request);
        Assert.Equal(["user", "assistant", "tool", "tool"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(["c1", "c2"], messages[1]!["tool_calls"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
        Assert.Equal("Paris", messages[1]!["tool_calls"]![0]!["function"]!["arguments"]!["city"]!.GetValue<string>());
        Assert.Equal(("c2", "25"), (messages[3]!["tool_call_id"]!.GetValue<string>(), messages[3]!["content"]!.GetValue<string>()));
        Assert.Equal("get_weather", JsonNode.Parse(request.Chat.TaskArgs)!["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.True(request.Chat.HasTools);
        Assert.False(request.Store);
        Assert.Equal(4, request.Conversation.Count);
        Assert.DoesNotContain(ResponsesInput.SourceKey, request.Conversation.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Ignored_parameters_are_listed()
    {
        var request = Parse("""{"model":"o/m","input":"x","parallel_tool_calls":false,"truncation":"auto","reasoning":{"effort":"low"},"metadata":{"a":"b"}}""");
        Assert.Equal(["parallel_tool_calls", "truncation", "reasoning"], request.Chat.IgnoredParameters);
    }

    [Fact]
    public void An_error_the_chat_parser_finds_names_the_responses_field()
    {
        using var doc = JsonDocument.Parse("""{"model":"o/m","instructions":"s","input":[{"role":"user","content":"a"},{"role":"user","content":[{"type":"input_image","image_url":"data:image/png;base64,"}]}]}""");
        var (_, error) = ResponsesRequestParser.Parse(doc.RootElement, null, Options);
        Assert.Equal("input[1].content[0].image_url", error!.Param);
    }
}
