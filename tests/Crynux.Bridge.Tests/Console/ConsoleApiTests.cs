using System.Net;
using System.Net.Http.Json;
using Crynux.Bridge.Api.Admin;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;

namespace Crynux.Bridge.Tests.OperatorConsole;

/// <summary>The console API: the overview from real tasks, the task list's filters (bad ones are 400s), sign-in with a root signature.</summary>
public sealed class ConsoleApiTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task The_overview_and_the_task_list_count_real_tasks(string driver)
    {
        await using var bridge = await ConsoleTestSupport.StartAsync(driver);
        var llm = await bridge.RunRawAsync(TestTasks.LlmTask());
        var sd = await bridge.RunRawAsync(TestTasks.SdTask(1));
        Assert.Equal(ClientTaskStatus.Success, llm.Status);
        Assert.Equal(ClientTaskStatus.Success, sd.Status);

        foreach (var window in new[] { "hour", "day" })
        {
            var (status, body) = await ConsoleTestSupport.GetAsync(bridge, "v1/admin/console/overview?window=" + window, bearer: ConsoleTestSupport.Token);
            Assert.Equal(HttpStatusCode.OK, status);
            var data = body.GetProperty("data");
            Assert.Equal(2, data.GetProperty("outcomes").GetProperty("success").EnumerateArray().Sum(n => n.GetInt64()));
            Assert.Equal(2, data.GetProperty("totals").GetProperty("success").GetInt64());
            Assert.Equal(2, data.GetProperty("time_to_result").GetProperty("successes").GetInt32());
            Assert.True(data.GetProperty("time_to_result").GetProperty("overall_p95_seconds").GetDouble() > 0);
            // The two fees as stored, and the devnet's balance as the Relay reports it.
            var fees = (await bridge.Service<TaskStore>().GetMembersAsync(llm.Id, TestContext.Current.CancellationToken))[0].TaskFee;
            Assert.NotEqual("0", data.GetProperty("spend").GetProperty("total_cnx").GetString());
            Assert.False(string.IsNullOrEmpty(fees));
            Assert.NotNull(data.GetProperty("relay_balance_cnx").GetString());
            Assert.Equal(0, data.GetProperty("open_tasks_by_stage").GetProperty("queued").GetInt64());
        }

        var (listed, list) = await ConsoleTestSupport.GetAsync(bridge, "v1/admin/console/tasks?status=success&model=qwen2.5&limit=10", bearer: ConsoleTestSupport.Token);
        Assert.Equal(HttpStatusCode.OK, listed);
        var only = Assert.Single(list.GetProperty("data").GetProperty("tasks").EnumerateArray());
        Assert.Equal(llm.PublicId, only.GetProperty("public_id").GetString());
        var from = DateTimeOffset.FromUnixTimeMilliseconds(sd.CreatedAt).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var (_, newer) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/console/tasks?from={from}&key_id={sd.ApiKeyId}", bearer: ConsoleTestSupport.Token);
        Assert.Equal(sd.PublicId, Assert.Single(newer.GetProperty("data").GetProperty("tasks").EnumerateArray()).GetProperty("public_id").GetString());
        var (_, page) = await ConsoleTestSupport.GetAsync(bridge, "v1/admin/console/tasks?limit=1", bearer: ConsoleTestSupport.Token);
        Assert.True(page.GetProperty("data").GetProperty("has_more").GetBoolean());
    }

    [Theory]
    [InlineData("limit=100000", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("status=done", "status")]
    [InlineData("key_id=abc", "key_id")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-12-02T10:00:00Z&to=2026-12-01T10:00:00Z", "from")]
    [InlineData("limit=5&limit=6", "limit")]
    [InlineData("colour=red", "colour")]
    [InlineData("window=week", "window")]
    public async Task Malformed_filters_are_400s_naming_the_parameter(string query, string field)
    {
        await using var bridge = await ConsoleTestSupport.StartAsync();
        var path = field == "window" ? "v1/admin/console/overview?" + query : "v1/admin/console/tasks?" + query;
        var (status, body) = await ConsoleTestSupport.GetAsync(bridge, path, bearer: ConsoleTestSupport.Token);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_error", body.GetProperty("message").GetString());
        Assert.Equal(field, body.GetProperty("data").GetProperty("field_name").GetString());
        // Without a credential the answer is 401 whatever the filter.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ConsoleTestSupport.GetAsync(bridge, path)).Status);
    }

    [Fact]
    public async Task A_root_signature_gives_a_session_and_another_signer_gets_nothing()
    {
        await using var bridge = await ConsoleTestSupport.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new System.Text.Json.Nodes.JsonObject { ["action"] = "console_session" };

        var stranger = EthKey.Generate();
        using var refused = await bridge.Http.PostAsJsonAsync(new Uri(bridge.BaseUrl, "v1/admin/console/session"),
            new { timestamp = now, signature = SignedRequest.Sign(stranger, payload, now) }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var accepted = await bridge.Http.PostAsJsonAsync(new Uri(bridge.BaseUrl, "v1/admin/console/session"),
            new { timestamp = now, signature = SignedRequest.Sign(bridge.Wallet, payload, now) }, TestContext.Current.CancellationToken);
        var body = await TestBridge.JsonAsync(accepted);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var token = body.GetProperty("data").GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await ConsoleTestSupport.GetAsync(bridge, "v1/admin/console/tasks", bearer: token)).Status);
        // A session is not the admin token: the upstream trace routes stay token-only, and a forged session is refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ConsoleTestSupport.GetAsync(bridge, "v1/admin/tasks?auth=" + token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ConsoleTestSupport.GetAsync(bridge, "v1/admin/console/tasks", bearer: token[..^1] + (token[^1] == '0' ? '1' : '0'))).Status);
        var expired = new ConsoleSessions(bridge.Wallet, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-1))).Issue().Token;
        Assert.Equal(HttpStatusCode.Unauthorized, (await ConsoleTestSupport.GetAsync(bridge, "v1/admin/console/tasks", bearer: expired)).Status);
    }

    [Fact]
    public async Task The_admin_routes_are_in_the_openapi_document_with_their_shapes()
    {
        await using var bridge = await ConsoleTestSupport.StartAsync();
        var text = await bridge.Http.GetStringAsync(new Uri(bridge.BaseUrl, "openapi.json"), TestContext.Current.CancellationToken);
        var doc = System.Text.Json.JsonDocument.Parse(text).RootElement;
        var paths = doc.GetProperty("paths");
        foreach (var (route, schema) in new[]
                 {
                     ("/v1/admin/tasks", "TaskTraceListEnvelope"), ("/v1/admin/tasks/{task_id}/trace", "TaskTraceEnvelope"),
                     ("/v1/admin/llm/tasks", "TaskTraceListEnvelope"), ("/v1/admin/llm/tasks/{task_id}/trace", "TaskTraceEnvelope"),
                     ("/v1/admin/console/overview", "ConsoleOverviewEnvelope"), ("/v1/admin/console/tasks", "ConsoleTaskPageEnvelope"),
                     ("/v1/admin/console/tasks/{task_id}/trace", "TaskTraceEnvelope"),
                 })
        {
            Assert.True(paths.TryGetProperty(route, out var path), $"{route} is missing from /openapi.json");
            Assert.Contains(schema, path.GetProperty("get").GetProperty("responses").GetProperty("200").GetRawText(), StringComparison.Ordinal);
        }
        Assert.True(paths.GetProperty("/v1/admin/console/session").GetProperty("post").TryGetProperty("requestBody", out _));
        var trace = doc.GetProperty("components").GetProperty("schemas").GetProperty("TraceTask").GetProperty("properties");
        foreach (var name in new[] { "local_id", "client_task_id", "task_id", "task_id_commitment", "role", "status", "status_code", "events" })
        {
            Assert.True(trace.TryGetProperty(name, out _), $"TraceTask lacks {name}");
        }
    }
}
