using System.Net;
using System.Text;
using System.Text.Json;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;
using static Crynux.Bridge.Tests.Responses.ResponsesHttp;

namespace Crynux.Bridge.Tests.Responses;

/// <summary>POST/GET/DELETE /v1/responses over HTTP against the devnet.</summary>
public sealed class ResponsesApiTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;

    public async ValueTask InitializeAsync() => _bridge = await TestBridge.StartAsync();

    public async ValueTask DisposeAsync() => await _bridge.DisposeAsync();

    private static readonly object WeatherTool = new
    {
        type = "function",
        name = "get_weather",
        description = "Weather of a city",
        parameters = new { type = "object", properties = new { city = new { type = "string" } }, required = new[] { "city" } },
    };

    [Theory]
    [InlineData("v1/responses")]
    [InlineData("v1/llm/responses")]
    public async Task A_plain_response_has_openai_shape_usage_and_can_be_read_back_and_deleted(string path)
    {
        using var created = await _bridge.PostAsync(path, new
        {
            model = Model,
            input = "What is the capital of France?",
            instructions = "Answer briefly.",
            max_output_tokens = 64,
            temperature = 0.5,
            top_p = 0.9,
            metadata = new { purpose = "test" },
            user = "u1",
        });
        var json = await TestBridge.JsonAsync(created);
        Assert.True(created.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.StartsWith("resp_", json.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("response", json.GetProperty("object").GetString());
        Assert.Equal("completed", json.GetProperty("status").GetString());
        Assert.Equal(Model, json.GetProperty("model").GetString());
        Assert.Equal("Answer briefly.", json.GetProperty("instructions").GetString());
        Assert.Equal("test", json.GetProperty("metadata").GetProperty("purpose").GetString());
        Assert.Equal(0.5, json.GetProperty("temperature").GetDouble());
        Assert.Equal(64, json.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("error").ValueKind);
        var message = Assert.Single(json.GetProperty("output").EnumerateArray());
        Assert.Equal(("message", "assistant", "completed"),
            (message.GetProperty("type").GetString(), message.GetProperty("role").GetString(), message.GetProperty("status").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(OutputText(json)));
        var usage = json.GetProperty("usage");
        Assert.True(usage.GetProperty("output_tokens").GetInt32() > 0);
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32() + usage.GetProperty("output_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal("user", created.Headers.GetValues("x-crynux-ignored-parameters").Single());

        var id = json.GetProperty("id").GetString()!;
        using var read = await SendAsync(_bridge, HttpMethod.Get, $"{path}/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(json.ToString(), (await TestBridge.JsonAsync(read)).ToString());

        var otherKey = await _bridge.CreateKeyAsync("0x" + new string('4', 40), "chat", 0, 0);
        using (var foreign = await SendAsync(_bridge, HttpMethod.Get, $"{path}/{id}", otherKey))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }
        using (var foreignDelete = await SendAsync(_bridge, HttpMethod.Delete, $"{path}/{id}", otherKey))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreignDelete.StatusCode);
        }
        using var deleted = await SendAsync(_bridge, HttpMethod.Delete, $"{path}/{id}");
        var deletedJson = await TestBridge.JsonAsync(deleted);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.True(deletedJson.GetProperty("deleted").GetBoolean());
        using var gone = await SendAsync(_bridge, HttpMethod.Get, $"{path}/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("not_found", (await TestBridge.JsonAsync(gone)).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_streamed_response_sends_the_typed_events_whose_deltas_concatenate_to_the_final_text()
    {
        using var plain = await _bridge.PostAsync("v1/responses", new { model = Model, input = "Tell me a story", store = false });
        var expected = OutputText(await TestBridge.JsonAsync(plain));

        using var streamed = await _bridge.PostAsync("v1/responses", new { model = Model, input = "Tell me a story", stream = true });
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType!.MediaType);
        var events = Events(await streamed.Content.ReadAsStringAsync(Ct));
        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"],
            events.Take(4).Select(e => e.Type));
        Assert.Equal(
            ["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            events.TakeLast(4).Select(e => e.Type));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        Assert.Equal("in_progress", events[0].Data.GetProperty("response").GetProperty("status").GetString());
        var deltas = events.Where(e => e.Type == "response.output_text.delta").ToList();
        Assert.True(deltas.Count > 1);
        var joined = string.Concat(deltas.Select(d => d.Data.GetProperty("delta").GetString()));
        Assert.Equal(expected, joined);
        Assert.Equal(expected, events.Single(e => e.Type == "response.output_text.done").Data.GetProperty("text").GetString());
        var completed = events[^1].Data.GetProperty("response");
        Assert.Equal(expected, OutputText(completed));
        Assert.Equal(Model, completed.GetProperty("model").GetString());

        // Stored: GET answers the completed response.
        using var read = await SendAsync(_bridge, HttpMethod.Get, "v1/responses/" + completed.GetProperty("id").GetString());
        Assert.Equal("completed", (await TestBridge.JsonAsync(read)).GetProperty("status").GetString());
        // store=false: not kept.
        using var notStored = await SendAsync(_bridge, HttpMethod.Get, "v1/responses/" + (await TestBridge.JsonAsync(plain)).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, notStored.StatusCode);
    }

    [Fact]
    public async Task A_response_cut_at_max_output_tokens_is_incomplete_plain_and_streamed()
    {
        using var plain = await _bridge.PostAsync("v1/responses", new { model = Model, input = "Once upon a time", max_output_tokens = 12 });
        var json = await TestBridge.JsonAsync(plain);
        Assert.Equal("incomplete", json.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", json.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(12, OutputText(json).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

        using var streamed = await _bridge.PostAsync("v1/responses", new { model = Model, input = "Once upon a time", max_output_tokens = 12, stream = true });
        var events = Events(await streamed.Content.ReadAsStringAsync(Ct));
        Assert.Equal("response.incomplete", events[^1].Type);
        Assert.Equal(OutputText(json), OutputText(events[^1].Data.GetProperty("response")));
    }

    [Fact]
    public async Task A_function_tool_round_trip_continues_with_previous_response_id()
    {
        using var first = await _bridge.PostAsync("v1/responses", new
        {
            model = Model,
            input = new object[] { new { role = "user", content = "Use get_weather for Paris" } },
            tools = new[] { WeatherTool },
        });
        var firstJson = await TestBridge.JsonAsync(first);
        Assert.True(first.StatusCode == HttpStatusCode.OK, firstJson.ToString());
        var call = Assert.Single(firstJson.GetProperty("output").EnumerateArray(), i => i.GetProperty("type").GetString() == "function_call");
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(call.GetProperty("arguments").GetString()!).RootElement.ValueKind);
        Assert.Equal("get_weather", firstJson.GetProperty("tools")[0].GetProperty("name").GetString());
        var callId = call.GetProperty("call_id").GetString()!;

        using var second = await _bridge.PostAsync("v1/responses", new
        {
            model = Model,
            previous_response_id = firstJson.GetProperty("id").GetString(),
            tools = new[] { WeatherTool },
            input = new object[] { new { type = "function_call_output", call_id = callId, output = """{"temperature":21}""" } },
        });
        var secondJson = await TestBridge.JsonAsync(second);
        Assert.True(second.StatusCode == HttpStatusCode.OK, secondJson.ToString());
        Assert.Equal(firstJson.GetProperty("id").GetString(), secondJson.GetProperty("previous_response_id").GetString());
        Assert.DoesNotContain(secondJson.GetProperty("output").EnumerateArray(), i => i.GetProperty("type").GetString() == "function_call");
        Assert.False(string.IsNullOrWhiteSpace(OutputText(secondJson)));
        // The node saw the whole conversation: the user turn, the call and its output make the prompt longer than the output alone.
        Assert.True(secondJson.GetProperty("usage").GetProperty("input_tokens").GetInt32() > firstJson.GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task An_idempotency_key_replay_answers_the_same_stored_response()
    {
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "responses-replay-1" };
        using var first = await _bridge.PostAsync("v1/responses", new { model = Model, input = "Hello" }, headers: headers);
        using var second = await _bridge.PostAsync("v1/responses", new { model = Model, input = "Hello" }, headers: headers);
        var (a, b) = (await TestBridge.JsonAsync(first), await TestBridge.JsonAsync(second));
        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        Assert.Equal(OutputText(a), OutputText(b));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        using var read = await SendAsync(_bridge, HttpMethod.Get, "v1/responses/" + a.GetProperty("id").GetString());
        Assert.Equal("completed", (await TestBridge.JsonAsync(read)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_streamed_function_call_sends_argument_events()
    {
        using var streamed = await _bridge.PostAsync("v1/responses", new { model = Model, input = "Use get_weather for Rome", tools = new[] { WeatherTool }, stream = true });
        var events = Events(await streamed.Content.ReadAsStringAsync(Ct));
        var done = events.Single(e => e.Type == "response.function_call_arguments.done").Data;
        var deltas = string.Concat(events.Where(e => e.Type == "response.function_call_arguments.delta").Select(e => e.Data.GetProperty("delta").GetString()));
        Assert.Equal(done.GetProperty("arguments").GetString(), deltas);
        Assert.Equal("get_weather", done.GetProperty("name").GetString());
        var item = events.Last(e => e.Type == "response.output_item.done").Data.GetProperty("item");
        Assert.Equal(("function_call", done.GetProperty("arguments").GetString()), (item.GetProperty("type").GetString(), item.GetProperty("arguments").GetString()));
    }

    [Fact]
    public async Task An_image_input_reaches_the_node_as_an_image_part()
    {
        using var response = await _bridge.PostAsync("v1/responses", new
        {
            model = Model,
            input = new object[]
            {
                new { role = "user", content = new object[] { new { type = "input_text", text = "What is in this picture?" }, new { type = "input_image", image_url = Png, detail = "auto" } } },
            },
        });
        var json = await TestBridge.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.Equal("completed", json.GetProperty("status").GetString());

        using var badImage = await _bridge.PostAsync("v1/responses", new
        {
            model = Model,
            input = new object[] { new { role = "user", content = new object[] { new { type = "input_image", image_url = "https://example.com/cat.png" } } } },
        });
        var error = (await TestBridge.JsonAsync(badImage)).GetProperty("error");
        Assert.Equal(HttpStatusCode.BadRequest, badImage.StatusCode);
        Assert.Equal("input[0].content[0].image_url", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Previous_response_ids_of_another_key_or_unknown_answer_404_and_admit_nothing()
    {
        using var mine = await _bridge.PostAsync("v1/responses", new { model = Model, input = "Hello" });
        var id = (await TestBridge.JsonAsync(mine)).GetProperty("id").GetString();
        var before = await TaskCountAsync(_bridge);
        var otherKey = await _bridge.CreateKeyAsync("0x" + new string('5', 40), "chat", 0, 0);
        foreach (var (previous, key) in new[] { (id, otherKey), ("resp_unknown", _bridge.ApiKey) })
        {
            using var response = await _bridge.PostAsync("v1/responses", new { model = Model, input = "Go on", previous_response_id = previous }, key);
            var error = (await TestBridge.JsonAsync(response)).GetProperty("error");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("previous_response_id", error.GetProperty("param").GetString());
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        }
        Assert.Equal(before, await TaskCountAsync(_bridge));
    }

    [Theory]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":[{"type":"reasoning","summary":[]}]}""", "input[0].type")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":[{"type":"item_reference","id":"x"}]}""", "input[0].type")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]}""", "input[0].content[0].type")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":[{"role":"user","content":"a"},{"role":"robot","content":"x"}]}""", "input[1].role")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B"}""", "input")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":"x","tools":[{"type":"web_search"}]}""", "tools[0].type")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":"x","tools":[{"type":"function","name":"bad name!"}]}""", "tools[0].name")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":"x","tools":[{"type":"function","name":"f","parameters":"{}"}]}""", "tools[0].parameters")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":"x","tools":{"type":"function","name":"f"}}""", "tools")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"function","name":"g"}}""", "tool_choice")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":"x","temperature":3}""", "temperature")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":"x","max_output_tokens":0}""", "max_output_tokens")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":"x","metadata":{"k":1}}""", "metadata.k")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":"x","background":true}""", "background")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":"x","previous_response_id":5}""", "previous_response_id")]
    [InlineData("""{"model":"Qwen/Qwen2.5-7B","input":[{"type":"function_call_output","output":"x"}]}""", "input[0].call_id")]
    public async Task Bad_input_answers_400_naming_the_field_and_admits_nothing(string body, string param)
    {
        var before = await TaskCountAsync(_bridge);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_bridge.BaseUrl, "v1/responses")) { Content = content };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _bridge.ApiKey);
        using var response = await _bridge.Http.SendAsync(request, Ct);
        var json = await TestBridge.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, json.ToString());
        Assert.Equal(param, json.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", json.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(before, await TaskCountAsync(_bridge));
    }

    [Fact]
    public async Task Oversized_input_answers_413_and_admits_nothing()
    {
        var before = await TaskCountAsync(_bridge);
        var huge = new string('a', (int)_bridge.Options.Http.MaxBodyBytes + 10);
        using var response = await _bridge.PostAsync("v1/responses", new { model = Model, input = huge });
        var json = await TestBridge.JsonAsync(response);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(before, await TaskCountAsync(_bridge));
    }

    [Fact]
    public async Task A_conversation_grown_past_the_body_limit_through_previous_response_id_answers_400()
    {
        await using var bridge = await TestBridge.StartAsync(configure: o => o.Http.MaxBodyBytes = 4096);
        using var first = await bridge.PostAsync("v1/responses", new { model = Model, input = new string('a', 2500) });
        var id = (await TestBridge.JsonAsync(first)).GetProperty("id").GetString();
        var before = await TaskCountAsync(bridge);
        using var second = await bridge.PostAsync("v1/responses", new { model = Model, input = new string('b', 2500), previous_response_id = id });
        var error = (await TestBridge.JsonAsync(second)).GetProperty("error");
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal(("previous_response_id", "context_length_exceeded"), (error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
        Assert.Equal(before, await TaskCountAsync(bridge));
    }

    [Fact]
    public async Task A_failure_mid_stream_is_a_response_failed_event_and_the_stored_response_is_failed()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { ErrorRate = 1 });
        using var streamed = await bridge.PostAsync("v1/responses", new { model = Model, input = "Hello", stream = true });
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        var events = Events(await streamed.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["response.created", "response.in_progress", "response.failed"], events.Select(e => e.Type));
        var failed = events[^1].Data.GetProperty("response");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("server_error", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("error").GetProperty("message").GetString()));
        using var read = await SendAsync(bridge, HttpMethod.Get, "v1/responses/" + failed.GetProperty("id").GetString());
        Assert.Equal("failed", (await TestBridge.JsonAsync(read)).GetProperty("status").GetString());

        using var plain = await bridge.PostAsync("v1/responses", new { model = Model, input = "Hello" });
        Assert.Equal(HttpStatusCode.BadGateway, plain.StatusCode);
        Assert.Equal("server_error", (await TestBridge.JsonAsync(plain)).GetProperty("error").GetProperty("type").GetString());
    }
}
