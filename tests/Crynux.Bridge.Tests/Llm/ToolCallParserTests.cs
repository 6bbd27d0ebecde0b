using Crynux.Bridge.Llm;

namespace Crynux.Bridge.Tests.Llm;

public class ToolCallParserTests
{
    [Fact]
    public void Hermes_block_with_object_arguments()
    {
        var (calls, rest) = ToolCallParser.Parse("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 2}}\n</tool_call>", "0xabc", 0);
        var call = Assert.Single(calls);
        Assert.Equal(new ToolCall("call_0xabc_0_0", "get_weather", """{"city":"Paris","days":2}"""), call);
        Assert.Equal("", rest);
    }

    [Fact]
    public void Hermes_block_with_string_encoded_arguments()
    {
        var (calls, _) = ToolCallParser.Parse("""<tool_call>{"name":"f","arguments":"{\"a\": [1, 2]}"}</tool_call>""", "p", 0);
        Assert.Equal("""{"a":[1,2]}""", Assert.Single(calls).Arguments);
    }

    [Fact]
    public void Hermes_block_without_arguments_or_with_parameters_key()
    {
        Assert.Equal("{}", Assert.Single(ToolCallParser.Parse("""<tool_call>{"name":"now"}</tool_call>""", "p", 0).Calls).Arguments);
        Assert.Equal("""{"x":1}""", Assert.Single(ToolCallParser.Parse("""<tool_call>{"name":"f","parameters":{"x":1}}</tool_call>""", "p", 0).Calls).Arguments);
    }

    [Fact]
    public void Tags_are_case_insensitive()
    {
        var (calls, rest) = ToolCallParser.Parse("""<TOOL_CALL>{"name":"f","arguments":{}}</Tool_Call>""", "p", 0);
        Assert.Equal("f", Assert.Single(calls).Name);
        Assert.Equal("", rest);
    }

    [Fact]
    public void Qwen_xml_values_are_json_when_they_parse_and_strings_otherwise()
    {
        const string content = """
            <tool_call>
            <function=get_weather>
            <parameter=city>
            Paris, France
            </parameter>
            <parameter=days>
            3
            </parameter>
            <parameter=options>
            {"unit": "celsius", "hourly": true}
            </parameter>
            <parameter=tags>["a","b"]</parameter>
            <parameter=note>"quoted"</parameter>
            </function>
            </tool_call>
            """;
        var (calls, rest) = ToolCallParser.Parse(content, "p", 1);
        var call = Assert.Single(calls);
        Assert.Equal("call_p_1_0", call.Id);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"city":"Paris, France","days":3,"options":{"unit":"celsius","hourly":true},"tags":["a","b"],"note":"quoted"}""", call.Arguments);
        Assert.Equal("", rest);
    }

    [Fact]
    public void Qwen_xml_value_that_cannot_be_rewritten_as_json_stays_a_string()
    {
        var call = Assert.Single(ToolCallParser.Parse("<tool_call><function=f><parameter=x>\"\\ud800\"</parameter></function></tool_call>", "p", 0).Calls);
        Assert.Equal("{\"x\":\"\\\"\\\\ud800\\\"\"}", call.Arguments);
    }

    [Fact]
    public void Qwen_xml_function_without_parameters()
    {
        var call = Assert.Single(ToolCallParser.Parse("<tool_call><function=list_files></function></tool_call>", "p", 0).Calls);
        Assert.Equal(("list_files", "{}"), (call.Name, call.Arguments));
    }

    [Fact]
    public void Several_calls_are_numbered_per_choice()
    {
        const string content = """
            <tool_call>{"name":"a","arguments":{}}</tool_call>
            <tool_call><function=b><parameter=x>1</parameter></function></tool_call>
            <tool_call>{"name":"c","arguments":{"y":"z"}}</tool_call>
            """;
        var (calls, rest) = ToolCallParser.Parse(content, "0x01", 2);
        Assert.Equal(["call_0x01_2_0", "call_0x01_2_1", "call_0x01_2_2"], calls.Select(c => c.Id));
        Assert.Equal(["a", "b", "c"], calls.Select(c => c.Name));
        Assert.Equal("", rest);
    }

    [Fact]
    public void Text_and_thinking_around_the_blocks_are_kept()
    {
        var content = "<think>The user wants weather.</think>\nLet me check.\n<tool_call>{\"name\":\"f\",\"arguments\":{}}</tool_call>\nOne moment.";
        var (calls, rest) = ToolCallParser.Parse(content, "p", 0);
        Assert.Single(calls);
        Assert.Equal("<think>The user wants weather.</think>\nLet me check.\n\nOne moment.", rest);
    }

    [Theory]
    [InlineData("<tool_call>not json at all</tool_call>")]
    [InlineData("<tool_call>{\"arguments\":{}}</tool_call>")]
    [InlineData("<tool_call>{\"name\":\"\",\"arguments\":{}}</tool_call>")]
    [InlineData("<tool_call>{\"name\":5,\"arguments\":{}}</tool_call>")]
    [InlineData("<tool_call>{\"name\":\"f\",\"arguments\":[1]}</tool_call>")]
    [InlineData("<tool_call>{\"name\":\"f\",\"arguments\":\"not json\"}</tool_call>")]
    [InlineData("<tool_call>{\"name\":\"f\",\"arguments\":\"[1]\"}</tool_call>")]
    [InlineData("<tool_call>[{\"name\":\"f\"}]</tool_call>")]
    [InlineData("<tool_call>{\"name\":\"f\",\"arguments\":{}</tool_call>")]
    [InlineData("<tool_call><function=>x</function></tool_call>")]
    [InlineData("<tool_call><function=f><parameter=x>1</parameter></tool_call>")]
    [InlineData("<tool_call>{\"name\":\"f\",\"arguments\":{}}")]
    [InlineData("{\"name\":\"f\",\"arguments\":{}}</tool_call>")]
    [InlineData("<tool_call>{\"name\":\"f\",\"arguments\":{\"a\":\"\\ud800\"}}</tool_call>")]
    public void Malformed_blocks_stay_in_the_content(string content)
    {
        var (calls, rest) = ToolCallParser.Parse(content, "p", 0);
        Assert.Empty(calls);
        Assert.Equal(content, rest);
    }

    [Fact]
    public void Only_well_formed_blocks_are_removed_and_counted()
    {
        var content = "<tool_call>broken</tool_call> <tool_call>{\"name\":\"ok\",\"arguments\":{\"a\":1}}</tool_call>";
        var (calls, rest) = ToolCallParser.Parse(content, "p", 0);
        Assert.Equal(new ToolCall("call_p_0_0", "ok", """{"a":1}"""), Assert.Single(calls));
        Assert.Equal("<tool_call>broken</tool_call>", rest);
    }

    [Fact]
    public void Plain_text_has_no_calls()
    {
        var (calls, rest) = ToolCallParser.Parse("  The answer is 42.\n", "p", 0);
        Assert.Empty(calls);
        Assert.Equal("The answer is 42.", rest);
    }

    [Fact]
    public void Non_ascii_arguments_are_not_escaped()
    {
        var (calls, _) = ToolCallParser.Parse("<tool_call>{\"name\":\"f\",\"arguments\":{\"city\":\"Zürich\",\"q\":\"a<b\"}}</tool_call>", "p", 0);
        Assert.Equal("""{"city":"Zürich","q":"a<b"}""", Assert.Single(calls).Arguments);
    }
}
