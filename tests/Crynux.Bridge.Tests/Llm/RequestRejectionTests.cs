using Crynux.Bridge.Api;
using Crynux.Bridge.Llm;
using static Crynux.Bridge.Tests.Llm.LlmTestData;

namespace Crynux.Bridge.Tests.Llm;

public class RequestRejectionTests
{
    private const string Tool = """{"type":"function","function":{"name":"f"}}""";

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("42")]
    public void A_body_that_is_not_an_object_is_rejected(string body)
    {
        var error = ChatError(body);
        Assert.Null(error.Param);
        Assert.Equal("the request body must be a JSON object", error.Message);
        Assert.Null(CompletionError(body).Param);
    }

    [Theory]
    // model
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model", "model is required")]
    [InlineData("""{"model":"","messages":[{"role":"user","content":"x"}]}""", "model", "model must be a non-empty string")]
    [InlineData("""{"model":"  ","messages":[{"role":"user","content":"x"}]}""", "model", "model must be a non-empty string")]
    [InlineData("""{"model":7,"messages":[{"role":"user","content":"x"}]}""", "model", "model must be a non-empty string")]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}""", "model", "model must be a Hugging Face model id such as Qwen/Qwen2.5-7B-Instruct (org/name of letters, digits, '-', '_' and '.')")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B\u0000","messages":[{"role":"user","content":"x"}]}""", "model", "model must not contain control characters")]
    // messages
    [InlineData("""{"model":"o/m"}""", "messages", "messages is required")]
    [InlineData("""{"model":"o/m","messages":[]}""", "messages", "messages must be a non-empty array")]
    [InlineData("""{"model":"o/m","messages":"hi"}""", "messages", "messages must be a non-empty array")]
    [InlineData("""{"model":"o/m","messages":[1]}""", "messages[0]", "messages[0] must be an object")]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":"a"},{"role":"bot","content":"x"}]}""", "messages[1].role", "messages[1].role must be one of system, user, assistant, tool, developer")]
    [InlineData("""{"model":"o/m","messages":[{"content":"x"}]}""", "messages[0].role", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"User","content":"x"}]}""", "messages[0].role", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user"}]}""", "messages[0].content", "messages[0].content is required")]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":null}]}""", "messages[0].content", "messages[0].content is required")]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","content":null}]}""", "messages[0].content", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[]}]}""", "messages[0].content", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":5}]}""", "messages[0].content", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[]}]}""", "messages[0].content", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":{"type":"text","text":"x"}}]}""", "messages[0].content", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"input_audio"}]}]}""", "messages[0].content[0].type", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":["x"]}]}""", "messages[0].content[0].type", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text"}]}]}""", "messages[0].content[1].text", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"text","text":1}]}]}""", "messages[0].content[0].text", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"image_url"}]}]}""", "messages[0].content[0].image_url", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":5}}]}]}""", "messages[0].content[0].image_url", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""", "messages[0].content[0].image_url.url", "image URLs must be data: URLs with base64 content")]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://example.com/cat.png"}}]}]}""", "messages[0].content[0].image_url.url", "image URLs must be data: URLs with base64 content")]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}]}]}""", "messages[0].content[0].image_url.url", "image URLs must be data: URLs with base64 content")]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/svg+xml;base64,PHN2Zz4="}}]}]}""", "messages[0].content[0].image_url.url", "images must be png, jpeg, gif or webp")]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,not base64!"}}]}]}""", "messages[0].content[0].image_url.url", "the image data is not valid base64")]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,"}}]}]}""", "messages[0].content[0].image_url.url", "the image data is not valid base64")]
    // tool messages and tool history
    [InlineData("""{"model":"o/m","messages":[{"role":"tool","content":"r"}]}""", "messages[0].tool_call_id", "messages[0].tool_call_id is required for tool messages")]
    [InlineData("""{"model":"o/m","messages":[{"role":"tool","content":"r","tool_call_id":7}]}""", "messages[0].tool_call_id", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"tool","content":"r","tool_call_id":""}]}""", "messages[0].tool_call_id", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"user","content":"x","tool_calls":[]}]}""", "messages[0].tool_calls", "messages[0].tool_calls is only allowed on assistant messages")]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":{}}]}""", "messages[0].tool_calls", "messages[0].tool_calls must be an array")]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[1]}]}""", "messages[0].tool_calls[0]", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]}""", "messages[0].tool_calls[0].id", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"custom","function":{"name":"f","arguments":"{}"}}]}]}""", "messages[0].tool_calls[0].type", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function"}]}]}""", "messages[0].tool_calls[0].function", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"arguments":"{}"}}]}]}""", "messages[0].tool_calls[0].function.name", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f"}}]}]}""", "messages[0].tool_calls[0].function.arguments", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":{"a":1}}}]}]}""", "messages[0].tool_calls[0].function.arguments", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"[1]"}}]}]}""", "messages[0].tool_calls[0].function.arguments", "messages[0].tool_calls[0].function.arguments must be a JSON object encoded as a string")]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{\"a\":"}}]}]}""", "messages[0].tool_calls[0].function.arguments", null)]
    [InlineData("""{"model":"o/m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{}"}},{"id":"d","function":{"name":"g","arguments":"1"}}]}]}""", "messages[0].tool_calls[1].function.arguments", null)]
    public void Bad_model_and_messages_are_rejected_naming_the_field(string body, string param, string? message) =>
        AssertRejected(ChatError(body), param, message);

    [Theory]
    [InlineData("\"temperature\":-0.1", "temperature", "temperature must be a number between 0 and 2")]
    [InlineData("\"temperature\":2.01", "temperature", "temperature must be a number between 0 and 2")]
    [InlineData("\"temperature\":\"1\"", "temperature", null)]
    [InlineData("\"temperature\":1e400", "temperature", null)]
    [InlineData("\"top_p\":1.5", "top_p", "top_p must be a number between 0 and 1")]
    [InlineData("\"top_p\":-0.5", "top_p", null)]
    [InlineData("\"top_k\":0", "top_k", "top_k must be an integer of at least 1")]
    [InlineData("\"top_k\":2.5", "top_k", null)]
    [InlineData("\"top_k\":\"5\"", "top_k", null)]
    [InlineData("\"top_k\":3000000000", "top_k", null)]
    [InlineData("\"min_p\":1.1", "min_p", "min_p must be a number between 0 and 1")]
    [InlineData("\"repetition_penalty\":0", "repetition_penalty", "repetition_penalty must be a number greater than 0 and at most 2")]
    [InlineData("\"repetition_penalty\":2.5", "repetition_penalty", null)]
    [InlineData("\"frequency_penalty\":2.1", "frequency_penalty", "frequency_penalty must be a number between -2 and 2")]
    [InlineData("\"presence_penalty\":-3", "presence_penalty", "presence_penalty must be a number between -2 and 2")]
    [InlineData("\"presence_penalty\":true", "presence_penalty", null)]
    [InlineData("\"seed\":1.5", "seed", null)]
    [InlineData("\"seed\":9007199254740993", "seed", "seed must be an integer between -9007199254740992 and 9007199254740992")]
    [InlineData("\"seed\":-9007199254740993", "seed", null)]
    [InlineData("\"seed\":\"1\"", "seed", null)]
    [InlineData("\"n\":0", "n", "n must be an integer between 1 and 8")]
    [InlineData("\"n\":9", "n", "n must be an integer between 1 and 8")]
    [InlineData("\"n\":1.5", "n", null)]
    [InlineData("\"n\":2,\"temperature\":0", "n", "n greater than 1 needs sampling, so temperature must be above 0")]
    [InlineData("\"max_tokens\":0", "max_tokens", "max_tokens must be an integer between 1 and 32768")]
    [InlineData("\"max_tokens\":32769", "max_tokens", null)]
    [InlineData("\"max_tokens\":\"10\"", "max_tokens", null)]
    [InlineData("\"max_completion_tokens\":-1", "max_completion_tokens", "max_completion_tokens must be an integer between 1 and 32768")]
    [InlineData("\"max_tokens\":10,\"max_completion_tokens\":40000", "max_completion_tokens", null)]
    [InlineData("\"stop\":5", "stop", "stop must be a string or an array of at most 4 strings")]
    [InlineData("\"stop\":{}", "stop", null)]
    [InlineData("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "stop", null)]
    [InlineData("\"stop\":\"\"", "stop", "stop must be a non-empty string")]
    [InlineData("\"stop\":[\"a\",\"\"]", "stop[1]", "stop[1] must be a non-empty string")]
    [InlineData("\"stop\":[1]", "stop[0]", null)]
    [InlineData("\"stream\":\"yes\"", "stream", "stream must be a boolean")]
    [InlineData("\"stream\":1", "stream", null)]
    [InlineData("\"stream_options\":{\"include_usage\":true}", "stream_options", "stream_options is only allowed when stream is true")]
    [InlineData("\"stream\":false,\"stream_options\":{}", "stream_options", "stream_options is only allowed when stream is true")]
    [InlineData("\"stream\":true,\"stream_options\":true", "stream_options", "stream_options must be an object")]
    [InlineData("\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}", "stream_options.include_usage", "stream_options.include_usage must be a boolean")]
    [InlineData("\"vram_limit\":-1", "vram_limit", "vram_limit must be an integer between 0 and 1024")]
    [InlineData("\"vram_limit\":1025", "vram_limit", null)]
    [InlineData("\"vram_limit\":4294967296", "vram_limit", null)]
    [InlineData("\"vram_limit\":1.5", "vram_limit", null)]
    [InlineData("\"vram_limit\":\"24\"", "vram_limit", null)]
    [InlineData("\"logit_bias\":[]", "logit_bias", "logit_bias must be an object")]
    [InlineData("\"user\":5", "user", "user must be a string")]
    [InlineData("\"response_format\":\"json\"", "response_format", null)]
    public void Bad_parameters_are_rejected_naming_the_field(string extra, string param, string? message)
    {
        AssertRejected(ChatError(ChatBody(extra)), param, message);
        AssertRejected(CompletionError($$"""{"model":"o/m","prompt":"p",{{extra}}}"""), param, message);
    }

    [Theory]
    [InlineData("\"tools\":{}", "tools", "tools must be an array")]
    [InlineData("\"tools\":[1]", "tools[0]", "tools[0] must be an object")]
    [InlineData("\"tools\":[{\"function\":{\"name\":\"f\"}}]", "tools[0].type", "tools[0].type must be \"function\"")]
    [InlineData("\"tools\":[{\"type\":\"retrieval\",\"function\":{\"name\":\"f\"}}]", "tools[0].type", null)]
    [InlineData("\"tools\":[{\"type\":\"function\"}]", "tools[0].function", "tools[0].function must be an object")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":\"f\"}]", "tools[0].function", null)]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{}}]", "tools[0].function.name", "tools[0].function.name must be 1 to 64 letters, digits, underscores or dashes")]
    [InlineData("\"tools\":[" + Tool + ",{\"type\":\"function\",\"function\":{\"name\":\"get weather\"}}]", "tools[1].function.name", null)]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"\"}}]", "tools[0].function.name", null)]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f.g\"}}]", "tools[0].function.name", null)]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"description\":1}}]", "tools[0].function.description", "tools[0].function.description must be a string")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":\"{}\"}}]", "tools[0].function.parameters", "tools[0].function.parameters must be a JSON Schema object")]
    [InlineData("\"tools\":[" + Tool + "],\"tool_choice\":\"any\"", "tool_choice", null)]
    [InlineData("\"tools\":[" + Tool + "],\"tool_choice\":1", "tool_choice", null)]
    [InlineData("\"tools\":[" + Tool + "],\"tool_choice\":{\"type\":\"function\"}", "tool_choice", null)]
    [InlineData("\"tools\":[" + Tool + "],\"tool_choice\":{\"type\":\"tool\",\"function\":{\"name\":\"f\"}}", "tool_choice", null)]
    [InlineData("\"tools\":[" + Tool + "],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}", "tool_choice", "tool_choice names the function \"g\", which is not in tools")]
    [InlineData("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", "tool_choice", null)]
    [InlineData("\"tool_choice\":\"required\"", "tool_choice", "tool_choice \"required\" needs tools")]
    public void Bad_tools_are_rejected_naming_the_field(string extra, string param, string? message) =>
        AssertRejected(ChatError(ChatBody(extra)), param, message);

    [Theory]
    [InlineData("""{"prompt":"p"}""", "model", "model is required")]
    [InlineData("""{"model":"o/m"}""", "prompt", "prompt is required")]
    [InlineData("""{"model":"o/m","prompt":null}""", "prompt", "prompt is required")]
    [InlineData("""{"model":"o/m","prompt":["a","b"]}""", "prompt", "only one prompt is supported")]
    [InlineData("""{"model":"o/m","prompt":[]}""", "prompt", "prompt must be a string or an array of one string")]
    [InlineData("""{"model":"o/m","prompt":[[1,2,3]]}""", "prompt", "prompt must be a string or an array of one string")]
    [InlineData("""{"model":"o/m","prompt":[1]}""", "prompt", null)]
    [InlineData("""{"model":"o/m","prompt":5}""", "prompt", null)]
    [InlineData("""{"model":"o/m","prompt":{"text":"p"}}""", "prompt", null)]
    public void Bad_completion_prompts_are_rejected(string body, string param, string? message) =>
        AssertRejected(CompletionError(body), param, message);

    [Fact]
    public void The_first_bad_message_is_reported()
    {
        var error = ChatError("""{"model":"o/m","messages":[{"role":"user","content":"ok"},{"role":"user"},{"role":"bot"}]}""");
        Assert.Equal("messages[1].content", error.Param);
    }

    private static readonly string[] Fields =
    [
        "model", "messages", "temperature", "top_p", "top_k", "min_p", "repetition_penalty", "frequency_penalty", "presence_penalty",
        "seed", "n", "max_tokens", "max_completion_tokens", "stop", "stream", "stream_options", "tools", "tool_choice", "vram_limit",
        "logit_bias", "logprobs", "top_logprobs", "response_format", "user", "prompt",
    ];

    private static readonly string[] Values =
        ["null", "true", "false", "0", "-1", "1.5", "1e400", "-1e400", "9223372036854775808", "\"\"", "\"x\"", "[]", "[1]", "[null]", "{}", "{\"a\":{}}", "\"\\ud800\"", "[\"\\udfff\"]"];

    [Fact]
    public void No_value_of_any_field_makes_the_parser_throw()
    {
        foreach (var field in Fields)
        {
            foreach (var value in Values)
            {
                var chat = Body($$"""{"model":"o/m","messages":[{"role":"user","content":"x"}],"stream":true,"tools":[{{Tool}}],"{{field}}":{{value}}}""");
                AssertParsedOrRejected(LlmRequestParser.ParseChat(chat, new()));
                var completion = Body($$"""{"model":"o/m","prompt":"p","{{field}}":{{value}}}""");
                AssertParsedOrRejected(LlmRequestParser.ParseCompletion(completion, new()));
            }
        }
    }

    [Fact]
    public void No_value_of_any_message_field_makes_the_parser_throw()
    {
        string[] fields = ["role", "content", "tool_calls", "tool_call_id", "name"];
        string[] roles = ["user", "assistant", "tool", "system", "developer"];
        string[] values = [.. Values, "[{}]", "[{\"type\":\"text\"}]", "[{\"type\":\"image_url\",\"image_url\":{}}]", "[{\"id\":\"c\",\"function\":{}}]",
            "[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":null}}]"];
        foreach (var role in roles)
        {
            foreach (var field in fields)
            {
                foreach (var value in values)
                {
                    var body = Body($$"""{"model":"o/m","messages":[{"role":"{{role}}","content":"x","tool_call_id":"c","{{field}}":{{value}}}]}""");
                    AssertParsedOrRejected(LlmRequestParser.ParseChat(body, new()));
                }
            }
        }
    }

    [Theory]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"description\":\"\\ud800\"}}]")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"\\udc00\":{}}}}]")]
    public void Lone_surrogates_inside_forwarded_tools_are_rejected(string extra) =>
        AssertRejected(ChatError(ChatBody(extra)), "tools[0]", "tools[0] contains a string that is not valid UTF-16 text");

    [Fact]
    public void Lone_surrogates_inside_history_arguments_are_rejected()
    {
        var error = ChatError("""
            {"model":"o/m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f","arguments":"{\"a\":\"\\ud800\"}"}}]}]}
            """);
        AssertRejected(error, "messages[0].tool_calls[0].function.arguments", null);
        AssertRejected(ChatError(ChatBody(content: "\"\\ud800\"")), "messages[0].content", "messages[0].content is not valid UTF-16 text");
    }

    private static void AssertParsedOrRejected((LlmRequest? Request, Problem? Error) parsed)
    {
        Assert.True(parsed.Request is null != (parsed.Error is null));
        if (parsed.Request is not null)
        {
            AssertSchemaValid(parsed.Request.TaskArgs);
        }
        else
        {
            Assert.Equal(400, parsed.Error!.Status);
        }
    }

    private static void AssertRejected(Problem error, string param, string? message)
    {
        Assert.Equal(param, error.Param);
        Assert.Null(error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        if (message is not null)
        {
            Assert.Equal(message, error.Message);
        }
    }
}
