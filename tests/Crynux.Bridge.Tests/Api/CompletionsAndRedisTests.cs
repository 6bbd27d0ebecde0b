using System.Net;
using System.Text;
using System.Text.Json;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Api;

/// <summary>Legacy text completions over HTTP (the .NET SDK has no completions client), and rate limits shared through Redis.</summary>
public sealed class CompletionsAndRedisTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly object Completion = new { model = "Qwen/Qwen2.5-7B", prompt = "Once upon a time", max_tokens = 12 };

    [Fact]
    public async Task Completions_answer_plain_and_streamed_with_the_same_text()
    {
        await using var bridge = await TestBridge.StartAsync();
        using var plain = await bridge.PostAsync("v1/llm/completions", Completion);
        var json = await TestBridge.JsonAsync(plain);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("text_completion", json.GetProperty("object").GetString());
        var choice = json.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var text = choice.GetProperty("text").GetString()!;
        Assert.Equal(12, text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

        using var streamed = await bridge.PostAsync("v1/completions",
            new { model = "Qwen/Qwen2.5-7B", prompt = "Once upon a time", max_tokens = 12, stream = true, stream_options = new { include_usage = true } });
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType!.MediaType);
        var frames = (await streamed.Content.ReadAsStringAsync(Ct)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(f => f.StartsWith("data: ", StringComparison.Ordinal)).Select(f => f[6..]).ToList();
        Assert.Equal("[DONE]", frames[^1]);
        var chunks = frames[..^1].Select(f => JsonDocument.Parse(f).RootElement).ToList();
        var joined = new StringBuilder();
        foreach (var c in chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0))
        {
            joined.Append(c.GetProperty("choices")[0].GetProperty("text").GetString());
        }
        Assert.Equal(text, joined.ToString());
        Assert.Equal(12, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_rate_limit_in_redis_holds_across_two_instances()
    {
        var redis = TestDatabases.Redis();
        await using var bridge = await TestBridge.StartAsync("mysql", configure: o => o.Redis.Connection = redis!);
        var (second, secondUrl) = await bridge.StartSecondInstanceAsync("test-b");
        await using (second)
        {
            // A client of its own, so that no other run's bucket in the same Redis counts.
            var key = await bridge.CreateKeyAsync(Crypto.EthKey.Generate().Address, "chat", 0, 5);
            var admitted = 0;
            for (var i = 0; i < 10; i++)
            {
                using var response = await bridge.PostAsync("v1/inference_tasks", TestTasks.LlmTask(), key, baseUrl: i % 2 == 0 ? null : secondUrl);
                admitted += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            }
            // A burst of 5 for the key, wherever the requests land (one more may have refilled at 5 a minute).
            Assert.InRange(admitted, 5, 6);
            await second.StopAsync(Ct);
        }
    }
}
