using System.Net;
using System.Text;
using System.Text.Json;
using Crynux.Bridge.Api;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Tests.Support;
using Dapper;

namespace Crynux.Bridge.Tests.Api;

/// <summary>Issue item 4: every status the bridge produces carries its route family's envelope; 5xx carry Retry-After; streams end in band.</summary>
public sealed class ErrorEnvelopeTests
{
    private static readonly string[] Methods = ["PUT", "PATCH", "GET", "POST", "DELETE"];
    private static readonly string[] NoRoutes = ["/v1/nothing", "/v1/chat/nothing", "/v1/inference_tasks/a/b/c/d"];
    private static readonly string[] NonJson = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each path and its methods, from the bridge's own /openapi.json, with a concrete value for every path parameter.</summary>
    internal static async Task<List<(string Path, string Template, string[] Methods, bool HasBody)>> RoutesAsync(TestBridge bridge)
    {
        var document = JsonDocument.Parse(await bridge.Http.GetStringAsync(new Uri(bridge.BaseUrl, "openapi.json"), Ct)).RootElement;
        var routes = new List<(string, string, string[], bool)>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            var concrete = path.Name.Replace("{client_id}", "0x1111111111111111111111111111111111111111", StringComparison.Ordinal)
                .Replace("{task_id}", "1", StringComparison.Ordinal).Replace("{image_num}", "0", StringComparison.Ordinal)
                .Replace("{public_id}", new string('a', 32), StringComparison.Ordinal).Replace("{file}", "0.png", StringComparison.Ordinal);
            var methods = path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch").ToList();
            routes.Add((concrete, path.Name, methods.Select(m => m.Name.ToUpperInvariant()).ToArray(), methods.Any(m => m.Value.TryGetProperty("requestBody", out _))));
        }
        return routes;
    }

    [Fact]
    public async Task A_non_json_content_type_is_415_and_a_wrong_method_405_in_the_route_family_envelope()
    {
        await using var bridge = await TestBridge.StartAsync();
        var before = await SafetyChecks.SnapshotAsync(bridge);
        var routes = await RoutesAsync(bridge);
        var jsonRoutes = routes.Where(r => r.HasBody).ToList();
        Assert.True(jsonRoutes.Count >= 9, string.Join(", ", jsonRoutes.Select(r => r.Path)));
        var checkedRoutes = 0;
        foreach (var (path, _, methods, _) in jsonRoutes)
        {
            foreach (var method in methods.Where(m => m is "POST"))
            {
                // The fine-tune create takes multipart too (a broken multipart body is its 400; FineTuneBadInputTests).
                foreach (var type in NonJson.Where(t => !(path == "/v1/images/models" && t.StartsWith("multipart/", StringComparison.Ordinal))))
                {
                    var (status, body, _) = await SafetyChecks.SendAsync(bridge, new HttpMethod(method), path, Encoding.UTF8.GetBytes("{}"), type, bridge.ApiKey);
                    Assert.True(status == 415, $"{method} {path} as {type}: {status} {body}");
                    SafetyChecks.AssertEnvelope(path, body, status);
                    checkedRoutes++;
                }
            }
        }
        Assert.True(checkedRoutes >= 27, checkedRoutes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (path, _, methods, _) in routes)
        {
            var wrong = Methods.First(m => !methods.Contains(m));
            var (status, body, response) = await SafetyChecks.SendAsync(bridge, new HttpMethod(wrong), path, null, key: bridge.ApiKey);
            Assert.True(status == 405, $"{wrong} {path}: {status} {body}");
            SafetyChecks.AssertEnvelope(path, body, status);
            Assert.NotEmpty(response.Content.Headers.Allow);
        }
        foreach (var path in NoRoutes)
        {
            var (status, body, _) = await SafetyChecks.SendAsync(bridge, HttpMethod.Get, path, null, key: bridge.ApiKey);
            Assert.Equal(404, status);
            SafetyChecks.AssertEnvelope(path, body, status);
        }
        Assert.Equal(before, await SafetyChecks.SnapshotAsync(bridge));
    }

    [Fact]
    public async Task Failures_of_the_network_answer_502_503_504_with_retry_after_in_each_family()
    {
        foreach (var failure in new[] { "insufficient_balance: no money", "timeout: too slow", "relay_rejected: no", "node_error: broke" })
        {
            var problem = TaskRuns.FailureProblem(failure);
            Assert.InRange(problem.Status, 502, 504);
            Assert.NotNull(problem.RetryAfterOrDefault);
        }

        await using var bridge = await TestBridge.StartAsync(fund: false);
        // An unfunded wallet: the chat route answers 503 in OpenAI's envelope, with Retry-After.
        using var chat = await bridge.PostAsync("v1/chat/completions", new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "hi" } } });
        var chatBody = await chat.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, chat.StatusCode);
        Assert.Null(SafetyChecks.AssertEnvelope("/v1/chat/completions", chatBody, 503));
        Assert.NotNull(chat.Headers.RetryAfter);
        // A Relay that does not answer: a native route answers 503 in the product envelope, with Retry-After.
        bridge.Devnet.Control.FailNextRequests(50);
        using var nodes = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, "v1/network/nodes"), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, nodes.StatusCode);
        SafetyChecks.AssertEnvelope("/v1/network/nodes", await nodes.Content.ReadAsStringAsync(Ct), 503);
        Assert.NotNull(nodes.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_stream_whose_database_fails_after_the_headers_ends_with_an_error_frame_and_done()
    {
        // No nodes: the task waits at the Relay while the stream is open.
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Nodes.Clear());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge.BaseUrl, "v1/chat/completions"))
        {
            Content = new StringContent("""{"model":"Qwen/Qwen2.5-7B","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bridge.ApiKey);
        using var response = await bridge.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);

        var db = bridge.Service<Database>();
        long id;
        await using (var connection = await db.OpenAsync(Ct))
        {
            id = await connection.ExecuteScalarAsync<long>("SELECT MAX(id) FROM client_tasks");
            while (bridge.Service<TaskSignals>().Waiters == 0)
            {
                await Task.Delay(5, Ct);
            }
            await connection.ExecuteAsync("ALTER TABLE client_tasks RENAME TO client_tasks_away");
        }
        bridge.Service<TaskSignals>().Signal(id); // the stream re-reads its task, and the database fails it
        var text = await response.Content.ReadAsStringAsync(Ct);
        await using (var connection = await db.OpenAsync(Ct))
        {
            await connection.ExecuteAsync("ALTER TABLE client_tasks_away RENAME TO client_tasks");
        }
        var frames = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(f => f.StartsWith("data: ", StringComparison.Ordinal)).ToList();
        // The opening chunk (the assistant role) went out at admission; then the error frame and [DONE].
        Assert.True(frames.Count == 3, text);
        Assert.Equal("assistant", JsonDocument.Parse(frames[0]["data: ".Length..]).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var error = JsonDocument.Parse(frames[1]["data: ".Length..]).RootElement.GetProperty("error");
        Assert.Equal("database_unavailable", error.GetProperty("code").GetString());
        Assert.Equal("data: [DONE]", frames[2]);
    }
}
