// The SDK marks its Responses client experimental (OPENAI001); the bridge serves the API it calls, so the tests use it.
#pragma warning disable OPENAI001
using System.ClientModel;
using Crynux.Bridge.Tests.Support;
using OpenAI.Responses;
using static Crynux.Bridge.Tests.Responses.ResponsesHttp;

namespace Crynux.Bridge.Tests.Responses;

/// <summary>The official OpenAI .NET SDK's Responses client against the bridge on the devnet.</summary>
public sealed class ResponsesSdkTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;

    public async ValueTask InitializeAsync() => _bridge = await TestBridge.StartAsync();

    public async ValueTask DisposeAsync() => await _bridge.DisposeAsync();

    private ResponsesClient Client(string path = "v1/") => new(new ApiKeyCredential(_bridge.ApiKey),
        new ResponsesClientOptions { Endpoint = new Uri(_bridge.BaseUrl, path), NetworkTimeout = TimeSpan.FromMinutes(1) });

    [Theory]
    [InlineData("v1/")]
    [InlineData("v1/llm/")]
    public async Task A_response_comes_back_with_text_and_usage(string path)
    {
        var options = new CreateResponseOptions { Model = Model, Instructions = "Be brief.", MaxOutputTokenCount = 64 };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem("What is the capital of France?"));
        ResponseResult response = await Client(path).CreateResponseAsync(options, Ct);
        Assert.StartsWith("resp_", response.Id, StringComparison.Ordinal);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.Equal(Model, response.Model);
        Assert.False(string.IsNullOrWhiteSpace(response.GetOutputText()));
        Assert.True(response.Usage.OutputTokenCount > 0);

        ResponseResult again = await Client(path).GetResponseAsync(response.Id, Ct);
        Assert.Equal(response.GetOutputText(), again.GetOutputText());
        var deleted = await Client(path).DeleteResponseAsync(response.Id, Ct);
        Assert.True(deleted.Value.Deleted);
    }

    [Fact]
    public async Task Streaming_updates_concatenate_to_the_completed_text()
    {
        var options = new CreateResponseOptions { Model = Model, StreamingEnabled = true };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem("Tell me a story"));
        var text = new System.Text.StringBuilder();
        ResponseResult? completed = null;
        var first = true;
        await foreach (var update in await Client().CreateResponseStreamingAsync(options, Ct))
        {
            if (first)
            {
                Assert.IsType<StreamingResponseCreatedUpdate>(update);
                first = false;
            }
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }
            else if (update is StreamingResponseCompletedUpdate done)
            {
                completed = done.Response;
            }
        }
        Assert.NotNull(completed);
        Assert.Equal(completed.GetOutputText(), text.ToString());
        Assert.True(text.Length > 0);
    }

    [Fact]
    public async Task A_function_call_round_trip_with_previous_response_id()
    {
        var tool = ResponseTool.CreateFunctionTool("get_weather",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""), strictModeEnabled: false,
            functionDescription: "Weather of a city");
        var options = new CreateResponseOptions { Model = Model, Tools = { tool } };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem("Use get_weather for Paris"));
        ResponseResult first = await Client().CreateResponseAsync(options, Ct);
        var call = Assert.Single(first.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal("get_weather", call.FunctionName);

        var next = new CreateResponseOptions { Model = Model, PreviousResponseId = first.Id, Tools = { tool } };
        next.InputItems.Add(ResponseItem.CreateFunctionCallOutputItem(call.CallId, """{"temperature":21}"""));
        ResponseResult second = await Client().CreateResponseAsync(next, Ct);
        Assert.Empty(second.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.False(string.IsNullOrWhiteSpace(second.GetOutputText()));
        Assert.Equal(first.Id, second.PreviousResponseId);
    }

    [Fact]
    public async Task An_unknown_previous_response_is_a_404_for_the_sdk()
    {
        var options = new CreateResponseOptions { Model = Model, PreviousResponseId = "resp_missing" };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem("Hello"));
        var e = await Assert.ThrowsAsync<ClientResultException>(() => Client().CreateResponseAsync(options, Ct));
        Assert.Equal(404, e.Status);
    }
}
