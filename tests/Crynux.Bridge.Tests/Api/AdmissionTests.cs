using System.Net;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Dapper;
using static Crynux.Bridge.Tests.Support.TestTasks;

namespace Crynux.Bridge.Tests.Api;

/// <summary>Admissions are group-committed: what a batch must still guarantee one request at a time.</summary>
public sealed class AdmissionTests
{
    private static readonly string TestClient = Crynux.Crypto.EthAddress.ToChecksum("0x" + new string('1', 40));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task Simultaneous_requests_with_one_idempotency_key_create_one_task_and_the_others_get_it(string driver)
    {
        await using var bridge = await TestBridge.StartAsync(driver);
        var others = Enumerable.Range(0, 30).Select(i => bridge.PostAsync("v1/inference_tasks", LlmTask($"other {i}"))).ToList();
        var same = Enumerable.Range(0, 30).Select(_ => bridge.PostAsync("v1/inference_tasks", LlmTask("same"),
            headers: new Dictionary<string, string> { ["Idempotency-Key"] = "order-42" })).ToList();
        var responses = await Task.WhenAll(same.Concat(others));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var ids = new List<long>();
        foreach (var r in responses.Take(30))
        {
            ids.Add((await TestBridge.JsonAsync(r)).GetProperty("data").GetProperty("id").GetInt64());
        }
        Assert.Single(ids.Distinct());
        Assert.Equal(29, responses.Take(30).Count(r => r.Headers.Contains("Idempotent-Replayed")));
        var otherIds = new List<long>();
        foreach (var r in responses.Skip(30))
        {
            otherIds.Add((await TestBridge.JsonAsync(r)).GetProperty("data").GetProperty("id").GetInt64());
        }
        Assert.Equal(30, otherIds.Distinct().Count());
        Assert.DoesNotContain(ids[0], otherIds);

        await using var connection = await bridge.Service<Database>().OpenAsync(Ct);
        Assert.Equal(31, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM client_tasks"));
        Assert.Equal(31, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inference_tasks WHERE is_validation = 0"));
        Assert.Equal(31, await connection.ExecuteScalarAsync<long>("SELECT used_count FROM api_keys WHERE client_id = @c", new { c = TestClient }));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task A_database_failure_answers_503_with_the_reason_and_writes_nothing()
    {
        await using var bridge = await TestBridge.StartAsync();
        var db = bridge.Service<Database>();
        await using (var connection = await db.OpenAsync(Ct))
        {
            // The Relay task rows are written after the client task in the same transaction: that one must go too.
            await connection.ExecuteAsync("ALTER TABLE inference_tasks RENAME TO inference_tasks_away");
        }
        using var response = await bridge.PostAsync("v1/inference_tasks", LlmTask());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var json = await TestBridge.JsonAsync(response);
        Assert.Contains("could not use its database", json.GetProperty("data").GetProperty("message").GetString(), StringComparison.Ordinal);

        await using (var connection = await db.OpenAsync(Ct))
        {
            await connection.ExecuteAsync("ALTER TABLE inference_tasks_away RENAME TO inference_tasks");
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM client_tasks"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT used_count FROM api_keys WHERE client_id = @c", new { c = TestClient }));
        }
        // And the bridge is fine once its database is.
        var task = await bridge.RunRawAsync(LlmTask());
        Assert.Equal(ClientTaskStatus.Success, task.Status);
    }
}
