using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using Crynux.Bridge.Llm;
using OpenAI.Chat;

namespace Crynux.Bridge.Tests.Llm;

public class StreamingTests
{
    private const string Long = "  The quick brown fox jumps over the lazy dog.\nThen it ran 😀 away, far\taway, into the woods.  ";

    private static List<JsonObject> Chunks(IEnumerable<string> frames) => frames.Select(f => JsonNode.Parse(f)!.AsObject()).ToList();

    private static LlmResult One(string content, string finish = "stop", params ToolCall[] calls) =>
        new("m", [new LlmChoice(0, content, finish, calls)], 4, 6);

    private static JsonObject Choice(JsonObject chunk) => chunk["choices"]![0]!.AsObject();

    [Fact]
    public void Chat_chunks_replay_the_content_between_a_role_chunk_and_a_finish_chunk()
    {
        var chunks = Chunks(OpenAiResponses.ChatChunks("0x1", 99, One(Long), includeUsage: false));
        Assert.True(chunks.Count > 4);
        Assert.All(chunks, c =>
        {
            Assert.Equal(("0x1", "chat.completion.chunk", 99L, "m"),
                (c["id"]!.GetValue<string>(), c["object"]!.GetValue<string>(), c["created"]!.GetValue<long>(), c["model"]!.GetValue<string>()));
            Assert.False(c.ContainsKey("usage"));
            Assert.Single(c["choices"]!.AsArray());
            Assert.True(Choice(c).ContainsKey("logprobs"));
            Assert.Null(Choice(c)["logprobs"]);
        });
        Assert.Equal("""{"role":"assistant","content":""}""", Choice(chunks[0])["delta"]!.ToJsonString());
        Assert.Equal("{}", Choice(chunks[^1])["delta"]!.ToJsonString());
        Assert.Equal("stop", Choice(chunks[^1])["finish_reason"]!.GetValue<string>());
        Assert.All(chunks[..^1], c => Assert.Null(Choice(c)["finish_reason"]));
        Assert.True(Choice(chunks[0]).ContainsKey("finish_reason"));
        var middle = chunks[1..^1];
        Assert.All(middle, c => Assert.Equal(["content"], Choice(c)["delta"]!.AsObject().Select(p => p.Key)));
        Assert.Equal(Long, string.Concat(middle.Select(c => Choice(c)["delta"]!["content"]!.GetValue<string>())));
    }

    [Fact]
    public void Usage_comes_once_at_the_end_and_is_null_on_every_other_chunk()
    {
        var chunks = Chunks(OpenAiResponses.ChatChunks("id", 1, One("a b c"), includeUsage: true));
        Assert.All(chunks[..^1], c =>
        {
            Assert.True(c.ContainsKey("usage"));
            Assert.Null(c["usage"]);
        });
        var last = chunks[^1];
        Assert.Empty(last["choices"]!.AsArray());
        Assert.Equal("""{"prompt_tokens":4,"completion_tokens":6,"total_tokens":10}""", last["usage"]!.ToJsonString());
        Assert.Equal("chat.completion.chunk", last["object"]!.GetValue<string>());

        Assert.DoesNotContain(Chunks(OpenAiResponses.ChatChunks("id", 1, One("a b c"), includeUsage: false)), c => c.ContainsKey("usage"));
    }

    [Fact]
    public void Tool_call_deltas_name_each_call_first_and_then_stream_its_arguments()
    {
        var arguments = """{"city":"San Francisco, California","unit":"celsius","days":[1,2,3,4,5,6,7]}""";
        var result = One("", "tool_calls", new ToolCall("call_a", "get_weather", arguments), new ToolCall("call_b", "now", "{}"));
        var chunks = Chunks(OpenAiResponses.ChatChunks("id", 1, result, includeUsage: false));
        Assert.Equal("""{"role":"assistant","content":""}""", Choice(chunks[0])["delta"]!.ToJsonString());
        var deltas = chunks[1..^1].Select(c => Choice(c)["delta"]!["tool_calls"]!.AsArray().Single()!.AsObject()).ToList();
        Assert.All(chunks[1..^1], c => Assert.Equal(["tool_calls"], Choice(c)["delta"]!.AsObject().Select(p => p.Key)));

        var firsts = deltas.Where(d => d.ContainsKey("id")).ToList();
        Assert.Equal(2, firsts.Count);
        Assert.Equal("""{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}""", firsts[0].ToJsonString());
        Assert.Equal("""{"index":1,"id":"call_b","type":"function","function":{"name":"now","arguments":""}}""", firsts[1].ToJsonString());
        Assert.Same(firsts[0], deltas[0]);

        foreach (var index in new[] { 0, 1 })
        {
            var mine = deltas.Where(d => d["index"]!.GetValue<int>() == index).ToList();
            Assert.Same(firsts[index], mine[0]);
            // Later deltas carry only the index and an arguments fragment (no id, type or name).
            Assert.All(mine[1..], d =>
            {
                Assert.Equal(["index", "function"], d.Select(p => p.Key));
                Assert.Equal(["arguments"], d["function"]!.AsObject().Select(p => p.Key));
                Assert.NotEmpty(d["function"]!["arguments"]!.GetValue<string>());
            });
            Assert.Equal(index == 0 ? arguments : "{}", string.Concat(mine.Select(d => d["function"]!["arguments"]!.GetValue<string>())));
        }
        Assert.True(deltas.Count(d => d["index"]!.GetValue<int>() == 0) > 2);
        Assert.Equal("tool_calls", Choice(chunks[^1])["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public void Text_before_tool_calls_is_streamed_first()
    {
        var chunks = Chunks(OpenAiResponses.ChatChunks("id", 1, One("Let me check.", "tool_calls", new ToolCall("c", "f", "{}")), false));
        Assert.Equal("Let me check.", Choice(chunks[1])["delta"]!["content"]!.GetValue<string>());
        Assert.True(Choice(chunks[2])["delta"]!.AsObject().ContainsKey("tool_calls"));
    }

    [Fact]
    public void Several_choices_are_streamed_one_after_another()
    {
        var result = new LlmResult("m", [new LlmChoice(0, "one two", "stop", []), new LlmChoice(1, "three", "length", [])], 1, 2);
        var chunks = Chunks(OpenAiResponses.ChatChunks("id", 1, result, includeUsage: true));
        var perChoice = chunks[..^1].GroupBy(c => Choice(c)["index"]!.GetValue<int>()).ToList();
        Assert.Equal([0, 1], perChoice.Select(g => g.Key));
        Assert.Equal(["stop", "length"], perChoice.Select(g => Choice(g.Last())["finish_reason"]!.GetValue<string>()));
        Assert.Equal("three", string.Concat(perChoice[1].Select(c => Choice(c)["delta"]!["content"]?.GetValue<string>() ?? "")));
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
    }

    [Fact]
    public void Empty_content_gives_a_role_chunk_and_a_finish_chunk()
    {
        var chunks = Chunks(OpenAiResponses.ChatChunks("id", 1, One(""), false));
        Assert.Equal(2, chunks.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("word")]
    [InlineData(Long)]
    [InlineData("averyveryveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutanyspacesatallthatgoesonandon")]
    [InlineData("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀")]
    [InlineData("\n\n\n   \t")]
    public void Pieces_concatenate_to_the_text_and_hold_a_few_words(string text)
    {
        var pieces = Chunks(OpenAiResponses.ChatChunks("id", 1, One(text), false))[1..^1]
            .Select(c => Choice(c)["delta"]!["content"]!.GetValue<string>()).ToList();
        var textPieces = Chunks(OpenAiResponses.CompletionChunks("id", 1, One(text), false))[..^1]
            .Select(c => Choice(c)["text"]!.GetValue<string>()).ToList();
        Assert.Equal(pieces, textPieces);
        Assert.Equal(text, string.Concat(pieces));
        Assert.All(pieces, p =>
        {
            Assert.NotEmpty(p);
            Assert.True(p.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length <= 4);
            Assert.True(p.Length <= 64);
            Assert.False(char.IsHighSurrogate(p[^1]));
            Assert.False(char.IsLowSurrogate(p[0]));
        });
    }

    [Fact]
    public void Completion_chunks_replay_the_text_then_finish()
    {
        var result = new LlmResult("m", [new LlmChoice(0, Long, "length", [])], 2, 3);
        var chunks = Chunks(OpenAiResponses.CompletionChunks("cmpl", 7, result, includeUsage: true));
        Assert.All(chunks, c => Assert.Equal(("cmpl", "text_completion", 7L), (c["id"]!.GetValue<string>(), c["object"]!.GetValue<string>(), c["created"]!.GetValue<long>())));
        Assert.All(chunks[..^1], c =>
        {
            Assert.Null(c["usage"]);
            Assert.True(c.ContainsKey("usage"));
            Assert.Equal(["text", "index", "logprobs", "finish_reason"], Choice(c).Select(p => p.Key));
        });
        Assert.Equal(Long, string.Concat(chunks[..^1].Select(c => Choice(c)["text"]!.GetValue<string>())));
        Assert.All(chunks[..^2], c => Assert.Null(Choice(c)["finish_reason"]));
        Assert.Equal("length", Choice(chunks[^2])["finish_reason"]!.GetValue<string>());
        Assert.Equal("", Choice(chunks[^2])["text"]!.GetValue<string>());
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal(5, chunks[^1]["usage"]!["total_tokens"]!.GetValue<int>());
        Assert.DoesNotContain(Chunks(OpenAiResponses.CompletionChunks("cmpl", 7, result, includeUsage: false)), c => c.ContainsKey("usage"));
    }

    [Fact]
    public void The_openai_sdk_reads_the_chunks()
    {
        var arguments = """{"city":"Paris","note":"a long enough value to need several fragments"}""";
        var result = One("Hello there, how are you today?", "tool_calls", new ToolCall("call_1", "get_weather", arguments));
        var updates = OpenAiResponses.ChatChunks("id", 1700000000, result, includeUsage: true)
            .Select(f => ModelReaderWriter.Read<StreamingChatCompletionUpdate>(BinaryData.FromString(f))!).ToList();
        Assert.Equal("Hello there, how are you today?", string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text)));
        var toolUpdates = updates.SelectMany(u => u.ToolCallUpdates).ToList();
        Assert.Equal("call_1", toolUpdates[0].ToolCallId);
        Assert.Equal("get_weather", toolUpdates[0].FunctionName);
        Assert.Equal(arguments, string.Concat(toolUpdates.Select(t => t.FunctionArgumentsUpdate?.ToString() ?? "")));
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^2].FinishReason);
        Assert.Equal(10, updates[^1].Usage!.TotalTokenCount);
        Assert.All(updates, u => Assert.Equal("id", u.CompletionId));
    }
}
