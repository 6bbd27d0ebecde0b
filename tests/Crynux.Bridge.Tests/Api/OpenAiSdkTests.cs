// Seed is marked experimental in the SDK; the bridge supports it.
#pragma warning disable OPENAI001
using System.ClientModel;
using System.Net;
using Crynux.Bridge.Tests.Support;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Images;
using OpenAI.Models;

namespace Crynux.Bridge.Tests.Api;

/// <summary>The official OpenAI .NET SDK against the bridge on the devnet.</summary>
public sealed class OpenAiSdkTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;

    public async ValueTask InitializeAsync() => _bridge = await TestBridge.StartAsync();

    public async ValueTask DisposeAsync() => await _bridge.DisposeAsync();

    private OpenAIClientOptions Options(string path = "v1/") => new() { Endpoint = new Uri(_bridge.BaseUrl, path), NetworkTimeout = TimeSpan.FromMinutes(1) };

    private ChatClient Chat(string? key = null, string path = "v1/") =>
        new("Qwen/Qwen2.5-7B", new ApiKeyCredential(key ?? _bridge.ApiKey), Options(path));

    [Theory]
    [InlineData("v1/")]
    [InlineData("v1/llm/")]
    public async Task Chat_completion_answers_in_openai_shape_on_both_base_urls(string path)
    {
        ChatCompletion completion = await Chat(path: path).CompleteChatAsync([new UserChatMessage("What is the capital of France?")],
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.OutputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_answer_and_stop_cuts_it()
    {
        var options = new ChatCompletionOptions { Seed = 42 };
        var first = await Chat().CompleteChatAsync([new UserChatMessage("tell me a story")], options, TestContext.Current.CancellationToken);
        var second = await Chat().CompleteChatAsync([new UserChatMessage("tell me a story")], options, TestContext.Current.CancellationToken);
        Assert.Equal(first.Value.Content[0].Text, second.Value.Content[0].Text);
        var word = first.Value.Content[0].Text.Split(' ')[3];
        var stopped = new ChatCompletionOptions { Seed = 42 };
        stopped.StopSequences.Add(word);
        var cut = await Chat().CompleteChatAsync([new UserChatMessage("tell me a story")], stopped, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(word, cut.Value.Content[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_chat_concatenates_to_the_answer_and_ends_with_usage()
    {
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("Hello there")], cancellationToken: TestContext.Current.CancellationToken))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
            usage ??= update.Usage;
        }
        var plain = await Chat().CompleteChatAsync([new UserChatMessage("Hello there")], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(plain.Value.Content[0].Text, text.ToString());
        Assert.NotNull(usage);
        Assert.True(usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task A_tool_call_comes_back_as_tool_calls_and_the_round_trip_completes()
    {
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather of a city",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages = [new UserChatMessage("Use get_weather for Paris")];
        ChatCompletion first = await Chat().CompleteChatAsync(messages, options, TestContext.Current.CancellationToken);
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, """{"temperature":21}"""));
        ChatCompletion second = await Chat().CompleteChatAsync(messages, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
    }

    [Fact]
    public async Task Images_come_back_as_pngs_of_the_asked_size_as_bytes_and_as_urls()
    {
        var images = new ImageClient("crynux-ai/sdxl-turbo", new ApiKeyCredential(_bridge.ApiKey), Options("v1/sd/"));
        var generated = await images.GenerateImagesAsync("a lighthouse at dawn", 3,
            new ImageGenerationOptions { Size = new GeneratedImageSize(256, 256), ResponseFormat = GeneratedImageFormat.Bytes }, TestContext.Current.CancellationToken);
        Assert.Equal(3, generated.Value.Count);
        foreach (var image in generated.Value)
        {
            var png = image.ImageBytes.ToArray();
            Assert.Equal(0x89, png[0]);
            Assert.Equal(256, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
            Assert.Equal(256, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        }
        var byUrl = await images.GenerateImageAsync("a lighthouse at dawn",
            new ImageGenerationOptions { Size = new GeneratedImageSize(512, 512), ResponseFormat = GeneratedImageFormat.Uri }, TestContext.Current.CancellationToken);
        // Without api.public_base_url the URL is relative to the bridge (never built from the request's Host header).
        Assert.False(byUrl.Value.ImageUri.IsAbsoluteUri, byUrl.Value.ImageUri.ToString());
        var bytes = await _bridge.Http.GetByteArrayAsync(new Uri(_bridge.BaseUrl, byUrl.Value.ImageUri), TestContext.Current.CancellationToken);
        Assert.Equal(512, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
    }

    [Fact]
    public async Task Models_are_listed()
    {
        // The catalog is the Relay's: a model appears once it has run on the network.
        await Chat().CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken);
        await _bridge.Service<Crynux.Bridge.Models.ModelCatalog>().RefreshAsync(TestContext.Current.CancellationToken);
        var models = await new OpenAIModelClient(new ApiKeyCredential(_bridge.ApiKey), Options()).GetModelsAsync(TestContext.Current.CancellationToken);
        Assert.Contains(models.Value, m => m.Id == "qwen/qwen2.5-7b");
        Assert.Contains(models.Value, m => m.Id == "crynux-ai/sdxl-turbo");
    }

    [Fact]
    public async Task Sdk_errors_are_typed_401_403_429_400()
    {
        var noRetry = new OpenAIClientOptions { Endpoint = new Uri(_bridge.BaseUrl, "v1/"), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) };
        var bad = new ChatClient("Qwen/Qwen2.5-7B", new ApiKeyCredential("not-a-key"), noRetry);
        var e401 = await Assert.ThrowsAsync<ClientResultException>(() => bad.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(401, e401.Status);

        var imageOnly = await _bridge.CreateKeyAsync("0x" + new string('2', 40), "image", 0, 0);
        var e403 = await Assert.ThrowsAsync<ClientResultException>(() =>
            new ChatClient("Qwen/Qwen2.5-7B", new ApiKeyCredential(imageOnly), noRetry).CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(403, e403.Status);

        var limited = await _bridge.CreateKeyAsync("0x" + new string('3', 40), "chat", 0, 1);
        var client = new ChatClient("Qwen/Qwen2.5-7B", new ApiKeyCredential(limited), noRetry);
        await client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken);
        var e429 = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(429, e429.Status);
        Assert.True(int.Parse(e429.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retry) ? retry! : "0", System.Globalization.CultureInfo.InvariantCulture) >= 1);

        var e400 = await Assert.ThrowsAsync<ClientResultException>(() =>
            Chat().CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Temperature = 5 }, TestContext.Current.CancellationToken));
        Assert.Equal(400, e400.Status);
        Assert.Contains("temperature", e400.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_hundred_simultaneous_requests_on_a_use_limit_of_50_admit_exactly_50()
    {
        var key = await _bridge.CreateKeyAsync("0x" + new string('4', 40), "chat,image", 50, 0);
        var requests = Enumerable.Range(0, 200).Select(_ => _bridge.PostAsync("v1/inference_tasks", TestTasks.LlmTask(), key)).ToList();
        var responses = await Task.WhenAll(requests);
        Assert.Equal(50, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(150, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task A_rate_limit_of_60_admits_a_burst_of_60_then_answers_429_with_retry_after()
    {
        var key = await _bridge.CreateKeyAsync("0x" + new string('5', 40), "chat", 0, 60);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var admitted = 0;
        while (true)
        {
            using var r = await _bridge.PostAsync("v1/inference_tasks", TestTasks.LlmTask(), key);
            if (r.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter!.Delta);
                Assert.Equal("0", r.Headers.GetValues("x-ratelimit-remaining-requests").Single());
                break;
            }
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            admitted++;
            Assert.True(admitted <= 200, "the rate limit never answered 429");
        }
        // The bucket holds 60 and refills one a second while the burst is being sent.
        Assert.InRange(admitted, 60, 60 + (int)Math.Ceiling(clock.Elapsed.TotalSeconds) + 1);
    }

    [Theory]
    [InlineData("v1/chat/completions", "{", null)]
    [InlineData("v1/chat/completions", """{"model":"Qwen/Qwen2.5-7B"}""", "messages")]
    [InlineData("v1/chat/completions", """{"model":"nope","messages":[{"role":"user","content":"x"}]}""", "model")]
    [InlineData("v1/chat/completions", """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"x"}],"n":"two"}""", "n")]
    [InlineData("v1/sd/images/generations", """{"prompt":""}""", "prompt")]
    [InlineData("v1/sd/images/generations", """{"prompt":"x","size":"3x3"}""", "size")]
    [InlineData("v1/sd/images/generations", """{"prompt":"x","n":11}""", "n")]
    [InlineData("v1/inference_tasks", """{"task_type":1,"task_args":"{\"model\":1}"}""", "task_args")]
    [InlineData("v1/inference_tasks", """{"task_type":7,"task_args":"{}"}""", "task_type")]
    public async Task Bad_input_is_a_4xx_naming_the_field_and_creates_nothing(string path, string body, string? param)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_bridge.BaseUrl, path)) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _bridge.ApiKey);
        using var response = await _bridge.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.InRange((int)response.StatusCode, 400, 499);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (param is not null)
        {
            Assert.Contains(param, text, StringComparison.Ordinal);
        }
        Assert.Empty(_bridge.Devnet.Control.GetTasks());
    }
}
