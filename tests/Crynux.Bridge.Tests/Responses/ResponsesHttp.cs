using System.Net.Http.Headers;
using System.Text.Json;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Responses;

/// <summary>Plain HTTP helpers for the Responses routes: GET/DELETE with a key, SSE event parsing, the task count.</summary>
internal static class ResponsesHttp
{
    public const string Model = "Qwen/Qwen2.5-7B";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<HttpResponseMessage> SendAsync(TestBridge bridge, HttpMethod method, string path, string? key = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(bridge.BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? bridge.ApiKey);
        return await bridge.Http.SendAsync(request, Ct);
    }

    /// <summary>Events of a Responses stream as (event name, data); comments are dropped.</summary>
    public static List<(string Type, JsonElement Data)> Events(string body)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var frame in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = frame.Split('\n');
            var name = lines.FirstOrDefault(l => l.StartsWith("event: ", StringComparison.Ordinal))?[7..];
            var data = lines.FirstOrDefault(l => l.StartsWith("data: ", StringComparison.Ordinal))?[6..];
            if (name is not null && data is not null)
            {
                var json = JsonDocument.Parse(data).RootElement.Clone();
                Assert.Equal(name, json.GetProperty("type").GetString());
                events.Add((name, json));
            }
        }
        return events;
    }

    /// <summary>Client tasks ever created (GET /v1/count/task).</summary>
    public static async Task<long> TaskCountAsync(TestBridge bridge)
    {
        using var response = await SendAsync(bridge, HttpMethod.Get, "v1/count/task?duration=1000");
        return (await TestBridge.JsonAsync(response)).GetProperty("data").GetProperty("total_task_count").GetInt64();
    }

    public static string OutputText(JsonElement response) => string.Concat(response.GetProperty("output").EnumerateArray()
        .Where(i => i.GetProperty("type").GetString() == "message")
        .SelectMany(i => i.GetProperty("content").EnumerateArray()).Select(p => p.GetProperty("text").GetString()));

    /// <summary>A small PNG (1×1) as a data: URL.</summary>
    public const string Png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
}
