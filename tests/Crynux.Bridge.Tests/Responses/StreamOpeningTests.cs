using System.Net;
using System.Text;
using System.Text.Json;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;
using static Crynux.Bridge.Tests.Responses.ResponsesHttp;

namespace Crynux.Bridge.Tests.Responses;

/// <summary>
/// Streams answer at once: the first chunk leaves right after admission, while the task is still running (here it never
/// finishes), then keep-alive comments come from the shared ticker.
/// </summary>
public sealed class StreamOpeningTests
{
    [Theory]
    [InlineData("v1/chat/completions", """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}],"stream":true}""")]
    [InlineData("v1/completions", """{"model":"Qwen/Qwen2.5-7B","prompt":"hi","stream":true}""")]
    [InlineData("v1/responses", """{"model":"Qwen/Qwen2.5-7B","input":"hi","stream":true}""")]
    public async Task The_first_chunk_leaves_at_admission_and_keep_alives_follow(string path, string body)
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true },
            configure: o => o.Api.KeepAliveSeconds = 1);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge.BaseUrl, path)) { Content = content };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bridge.ApiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var response = await bridge.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(stream);

        var first = await ReadFrameAsync(reader, timeout.Token);
        if (path.EndsWith("responses", StringComparison.Ordinal))
        {
            Assert.StartsWith("event: response.created\ndata: ", first, StringComparison.Ordinal);
            Assert.Equal("in_progress", Data(first).GetProperty("response").GetProperty("status").GetString());
            Assert.StartsWith("event: response.in_progress", await ReadFrameAsync(reader, timeout.Token), StringComparison.Ordinal);
        }
        else if (path.Contains("chat", StringComparison.Ordinal))
        {
            Assert.Equal("""{"role":"assistant","content":""}""", Data(first).GetProperty("choices")[0].GetProperty("delta").GetRawText());
        }
        else
        {
            Assert.Equal("", Data(first).GetProperty("choices")[0].GetProperty("text").GetString());
        }
        // The task never finishes: what comes next is the ticker's comment.
        Assert.Equal(": keep-alive", await ReadFrameAsync(reader, timeout.Token));
        Assert.Equal(": keep-alive", await ReadFrameAsync(reader, timeout.Token));
    }

    private static JsonElement Data(string frame) =>
        JsonDocument.Parse(frame.Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..]).RootElement.Clone();

    private static async Task<string> ReadFrameAsync(StreamReader reader, CancellationToken ct)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0 && lines.Count > 0)
            {
                break;
            }
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }
        return string.Join('\n', lines);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chat_completions_and_responses_echo_the_model_name_the_client_sent(bool stream)
    {
        // The Relay keeps model ids lowercased and the node's result names the model so ("qwen/qwen2.5-7b").
        const string asked = "qwen/QWEN2.5-7b";
        await using var bridge = await TestBridge.StartAsync();
        var bodies = new (string Path, object Body)[]
        {
            ("v1/chat/completions", new { model = asked, messages = new[] { new { role = "user", content = "hi" } }, stream }),
            ("v1/completions", new { model = asked, prompt = "hi", stream }),
            ("v1/responses", new { model = asked, input = "hi", stream }),
        };
        foreach (var (path, body) in bodies)
        {
            using var response = await bridge.PostAsync(path, body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync(Ct);
            var models = stream
                ? text.Split("\n\n").Select(f => f.Split('\n').FirstOrDefault(l => l.StartsWith("data: {", StringComparison.Ordinal)))
                    .Where(d => d is not null).Select(d => JsonDocument.Parse(d![6..]).RootElement)
                    .Select(e => e.TryGetProperty("response", out var r) ? r : e)
                    .Where(e => e.TryGetProperty("model", out _)).Select(e => e.GetProperty("model").GetString()).ToList()
                : [JsonDocument.Parse(text).RootElement.GetProperty("model").GetString()];
            Assert.NotEmpty(models);
            Assert.All(models, m => Assert.Equal(asked, m));
        }
    }
}
