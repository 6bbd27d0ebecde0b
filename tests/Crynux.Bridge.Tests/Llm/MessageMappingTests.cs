using static Crynux.Bridge.Tests.Llm.LlmTestData;

namespace Crynux.Bridge.Tests.Llm;

public class MessageMappingTests
{
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";

    private static string Messages(string json) => Args(Chat($$"""{"model":"o/m","messages":{{json}}}"""))["messages"]!.ToJsonString();

    [Fact]
    public void Roles_map_and_developer_becomes_system()
    {
        Assert.Equal(
            """[{"role":"system","content":"a"},{"role":"system","content":"b"},{"role":"user","content":"c"},{"role":"assistant","content":"d"}]""",
            Messages("""[{"role":"developer","content":"a"},{"role":"system","content":"b"},{"role":"user","content":"c","name":"bob"},{"role":"assistant","content":"d"}]"""));
    }

    [Fact]
    public void Tool_history_sends_arguments_as_objects_and_keeps_tool_call_ids()
    {
        var messages = Messages("""
            [{"role":"user","content":"weather?"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"days\":[1,2]}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"sunny"}]
            """);
        Assert.Equal(
            """[{"role":"user","content":"weather?"},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":{"city":"Paris","days":[1,2]}}}]},{"role":"tool","content":"sunny","tool_call_id":"call_1"}]""",
            messages);
    }

    [Fact]
    public void Assistant_tool_calls_may_omit_content_type_and_give_empty_arguments()
    {
        var messages = Messages("""
            [{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"now","arguments":""}}]},{"role":"tool","tool_call_id":"c","content":"12:00"}]
            """);
        Assert.StartsWith("""[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"now","arguments":{}}}]}""", messages);
    }

    [Fact]
    public void Assistant_text_and_tool_calls_are_both_sent()
    {
        var messages = Messages("""
            [{"role":"assistant","content":"Checking.","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}]
            """);
        Assert.Equal("""[{"role":"assistant","content":"Checking.","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":{}}}]}]""", messages);
    }

    [Theory]
    [InlineData("deepseek-ai/DeepSeek-V3", true)]
    [InlineData("deepseek-ai/DeepSeek-R1", true)]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", false)]
    [InlineData("Qwen/Qwen2.5-7B", false)]
    public void DeepSeek_v3_and_r1_keep_the_arguments_string(string model, bool asString)
    {
        var args = Args(Chat($$$"""
            {"model":"{{{model}}}","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]}]}
            """));
        var arguments = args["messages"]![0]!["tool_calls"]![0]!["function"]!["arguments"]!;
        if (asString)
        {
            Assert.Equal("""{"a":1}""", arguments.GetValue<string>());
        }
        else
        {
            Assert.Equal("""{"a":1}""", arguments.ToJsonString());
        }
    }

    [Fact]
    public void Content_parts_become_text_and_image_blocks()
    {
        var messages = Messages($$$"""
            [{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Png}}}","detail":"low"}}]}]
            """);
        Assert.Equal($$"""[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image","base64":"{{Png}}"}]}]""", messages);
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("image/jpeg")]
    [InlineData("image/gif")]
    [InlineData("image/webp")]
    [InlineData("IMAGE/PNG")]
    public void Image_types_png_jpeg_gif_webp_are_accepted(string mime)
    {
        var messages = Messages($$$"""[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:{{{mime}}};base64,{{{Png}}}"}}]}]""");
        Assert.Contains(Png, messages, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_url_given_as_a_bare_string_is_accepted()
    {
        var messages = Messages($$"""[{"role":"user","content":[{"type":"image_url","image_url":"data:image/png;base64,{{Png}}"}]}]""");
        Assert.Equal($$"""[{"role":"user","content":[{"type":"image","base64":"{{Png}}"}]}]""", messages);
    }

    [Fact]
    public void Empty_string_content_is_kept()
    {
        Assert.Equal("""[{"role":"user","content":""}]""", Messages("""[{"role":"user","content":""}]"""));
    }

    [Fact]
    public void Tool_call_id_is_sent_only_on_tool_messages()
    {
        Assert.Equal("""[{"role":"user","content":"x"}]""", Messages("""[{"role":"user","content":"x","tool_call_id":"c"}]"""));
    }
}
