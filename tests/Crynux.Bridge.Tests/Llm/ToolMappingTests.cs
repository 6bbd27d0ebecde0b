using System.Text.Json.Nodes;
using static Crynux.Bridge.Tests.Llm.LlmTestData;

namespace Crynux.Bridge.Tests.Llm;

public class ToolMappingTests
{
    [Fact]
    public void Tools_are_sent_as_given_between_messages_and_generation_config()
    {
        var tool = """{"type":"function","function":{"name":"get_weather","description":"d","parameters":{"type":"object","properties":{}},"strict":true}}""";
        var request = Chat(ChatBody($"\"tools\":[{tool},{WeatherTool("lookup-2")}]"));
        var args = Args(request);
        Assert.True(request.HasTools);
        Assert.Equal(["model", "messages", "tools", "generation_config", "seed", "dtype"], args.Select(p => p.Key));
        Assert.Equal(tool, args["tools"]![0]!.ToJsonString());
        Assert.Equal(JsonNode.Parse(WeatherTool("lookup-2"))!.ToJsonString(), args["tools"]![1]!.ToJsonString());
    }

    [Theory]
    [InlineData("\"auto\"")]
    [InlineData("\"required\"")]
    [InlineData("""{"type":"function","function":{"name":"get_weather"}}""")]
    public void Tool_choice_other_than_none_keeps_the_tools(string choice)
    {
        var request = Chat(ChatBody($"\"tools\":[{WeatherTool()}],\"tool_choice\":{choice}"));
        Assert.True(request.HasTools);
        Assert.True(Args(request).ContainsKey("tools"));
    }

    [Fact]
    public void Tool_choice_none_does_not_send_the_tools()
    {
        var request = Chat(ChatBody($"\"tools\":[{WeatherTool()}],\"tool_choice\":\"none\""));
        Assert.False(request.HasTools);
        Assert.False(Args(request).ContainsKey("tools"));
    }

    [Fact]
    public void Empty_tools_or_tool_choice_without_tools_mean_no_tools()
    {
        Assert.False(Chat(ChatBody("\"tools\":[]")).HasTools);
        Assert.False(Chat(ChatBody("\"tool_choice\":\"auto\"")).HasTools);
        Assert.False(Chat(ChatBody("\"tool_choice\":\"none\"")).HasTools);
        Assert.False(Args(Chat(ChatBody("\"tools\":[]"))).ContainsKey("tools"));
    }

    [Fact]
    public void Function_names_follow_openai_rules()
    {
        Assert.True(Chat(ChatBody($"\"tools\":[{WeatherTool(new string('a', 64))}]")).HasTools);
        Assert.True(Chat(ChatBody($"\"tools\":[{WeatherTool("A-z_09")}]")).HasTools);
        Assert.Equal("tools[0].function.name", ChatError(ChatBody($"\"tools\":[{WeatherTool(new string('a', 65))}]")).Param);
    }

    [Fact]
    public void A_tool_without_description_or_parameters_is_accepted()
    {
        var request = Chat(ChatBody("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"now\"}}]"));
        Assert.Equal("""[{"type":"function","function":{"name":"now"}}]""", Args(request)["tools"]!.ToJsonString());
    }
}
