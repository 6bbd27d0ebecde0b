using System.Globalization;
using System.Net;
using System.Numerics;
using Crynux.Bridge.Data;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;
using Crynux.Devnet.Relay;
using Dapper;

namespace Crynux.Bridge.Tests.Spend;

/// <summary>Spend accounting against the devnet's own ledger: every charge and refund of the wallet, by key.</summary>
public sealed class SpendAccountingTests
{
    private const string Token = "spend-test-token";
    private const int Keys = 20;
    private const int TasksPerKey = 10;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A raw LLM task with a wei fee that is not whole GWei, on a model the network has or (abort) one it does not.</summary>
    public static object Task(int key, int n, bool unknownModel, string fee) => new
    {
        task_type = 1,
        task_fee = fee,
        task_args = $$$"""{"model":"{{{(unknownModel ? "nobody/no-such-model" : "Qwen/Qwen2.5-7B")}}}","messages":[{"role":"user","content":"key {{{key}}} task {{{n}}}"}],"generation_config":{"max_new_tokens":20,"num_return_sequences":1},"seed":3,"dtype":"bfloat16"}""",
    };

    internal static async Task<List<string>> CreateKeysAsync(TestBridge bridge, int count, string roles = "chat")
    {
        ArgumentNullException.ThrowIfNull(bridge);
        var keys = new List<string>();
        for (var i = 0; i < count; i++)
        {
            keys.Add(await bridge.CreateKeyAsync("0x" + (0x5000 + i).ToString("x4", CultureInfo.InvariantCulture).PadLeft(40, 'a'), roles, 0, 0));
        }
        return keys;
    }

    /// <summary>Waits until every client task has ended and closed (each of its Relay tasks finished).</summary>
    internal static async Task WaitAllClosedAsync(TestBridge bridge, int expected)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            await using (var connection = await bridge.Service<Database>().OpenAsync(Ct))
            {
                var closed = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM client_tasks WHERE status <> 'running' AND is_open = 0");
                if (closed >= expected)
                {
                    return;
                }
                Assert.True(DateTime.UtcNow < deadline, $"{closed} of {expected} client tasks closed");
            }
            await System.Threading.Tasks.Task.Delay(100, Ct);
        }
    }

    /// <summary>Waits until the Relay holds this many tasks (all of them created there).</summary>
    internal static async Task WaitForRelayTasksAsync(TestBridge bridge, int count)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (bridge.Devnet.Control.GetTasks().Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{bridge.Devnet.Control.GetTasks().Count} of {count} tasks reached the Relay");
            await System.Threading.Tasks.Task.Delay(50, Ct);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task Spend_totals_are_exact_after_200_concurrent_tasks_on_20_keys_with_mixed_outcomes(string driver)
    {
        await using var bridge = await TestBridge.StartAsync(driver, configure: o => o.Admin.AuthToken = Token, devnet: o =>
        {
            // Honest nodes (success) and nodes that always report an error (the Relay aborts the task and refunds it).
            o.Nodes.Add(new NodeOptions { Behaviour = new NodeBehaviour { ErrorRate = 1 } });
            o.Nodes.Add(new NodeOptions { Behaviour = new NodeBehaviour { ErrorRate = 1 } });
        });
        // Ten creates reach the Relay but their answers are lost: the fee is charged and the bridge learns it by asking.
        bridge.Devnet.Control.AddFault(new FaultRule { Route = "create", StatusCode = 503, Timing = FaultTiming.AfterHandling, Count = 10 });
        var keys = await CreateKeysAsync(bridge, Keys);
        var fees = Enumerable.Range(0, Keys).Select(k => (BigInteger.Pow(10, 18) + k * 1_000_000_007L + 123_456_789).ToString(CultureInfo.InvariantCulture)).ToList();

        // All 200 run in the engine at once; the HTTP submissions go 50 at a time, so that a shared test database server's
        // connection limit is not what the test measures.
        using var inFlight = new SemaphoreSlim(50);
        var requests = Enumerable.Range(0, Keys * TasksPerKey).Select(async i =>
        {
            await inFlight.WaitAsync(Ct);
            using var release = new Releaser(inFlight);
            var k = i % Keys;
            // Every seventh task names a model no node has: the Relay refuses it at create and nothing is charged.
            using var response = await bridge.PostAsync("v1/inference_tasks", Task(k, i, unknownModel: i % 7 == 3, fees[k]), keys[k]);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        });
        await System.Threading.Tasks.Task.WhenAll(requests);
        await WaitAllClosedAsync(bridge, Keys * TasksPerKey + 0);

        // What the Relay charged and refunded, by the key of the task each commitment belongs to.
        Dictionary<string, long> keyOf;
        Dictionary<long, (long Success, long Failed)> outcomes;
        await using (var connection = await bridge.Service<Database>().OpenAsync(Ct))
        {
            keyOf = (await connection.QueryAsync<(string, long)>(
                "SELECT i.task_id_commitment, c.api_key_id FROM inference_tasks i JOIN client_tasks c ON c.id = i.client_task_id")).ToDictionary(r => r.Item1, r => r.Item2);
            outcomes = (await connection.QueryAsync<(long, long, long)>(
                "SELECT api_key_id, SUM(CASE WHEN status = 'success' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) FROM client_tasks GROUP BY api_key_id"))
                .ToDictionary(r => r.Item1, r => (r.Item2, r.Item3));
        }
        var ledger = bridge.Devnet.Control.GetLedger(bridge.Wallet.Address).Where(e => e.TaskIdCommitment is not null).ToList();
        var expected = new Dictionary<long, BigInteger>();
        foreach (var entry in ledger)
        {
            var key = keyOf[entry.TaskIdCommitment!];
            expected[key] = expected.GetValueOrDefault(key) - entry.Amount; // payments are negative moves, refunds positive
        }
        Assert.Contains(ledger, e => e.Kind == LedgerKind.TaskRefund);
        Assert.Contains(outcomes.Values, o => o.Success > 0);
        Assert.True(outcomes.Values.Sum(o => o.Failed) > Keys * TasksPerKey / 7, "refunded and refused tasks fail");

        using var list = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, $"v1/admin/keys?auth={Token}&limit=1000"), Ct);
        var listed = (await TestBridge.JsonAsync(list)).GetProperty("data").GetProperty("keys").EnumerateArray().ToList();
        var total = BigInteger.Zero;
        foreach (var id in outcomes.Keys)
        {
            var row = listed.Single(k => k.GetProperty("key_id").GetString() == id.ToString(CultureInfo.InvariantCulture));
            var spent = BigInteger.Parse(row.GetProperty("spent_wei").GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal(expected.GetValueOrDefault(id), spent);
            total += spent;
            Assert.Equal(TasksPerKey, row.GetProperty("tasks").GetInt64());
            Assert.Equal(outcomes[id].Success, row.GetProperty("successes").GetInt64());
            Assert.Equal(outcomes[id].Failed, row.GetProperty("failures").GetInt64());
            Assert.Equal(outcomes[id].Success, await MetricValues.CounterAsync(bridge, KeyMetrics.Outcomes, $"key_id=\"{id}\",outcome=\"success\""));
            Assert.Equal(outcomes[id].Failed, await MetricValues.CounterAsync(bridge, KeyMetrics.Outcomes, $"key_id=\"{id}\",outcome=\"failure\""));
        }
        Assert.Equal(TestBridge.Cnx * 1_000_000 - bridge.Devnet.Control.GetBalance(bridge.Wallet.Address), total);

        // The day totals add up to the same, and every closed task holds exactly its charged fees against the limit.
        using var days = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, $"v1/admin/spend/days?auth={Token}"), Ct);
        var dayRows = (await TestBridge.JsonAsync(days)).GetProperty("data").GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(total, dayRows.Aggregate(BigInteger.Zero, (sum, d) => sum + BigInteger.Parse(d.GetProperty("spent_wei").GetString()!, CultureInfo.InvariantCulture)));
        Assert.Equal(Keys * TasksPerKey, dayRows.Sum(d => d.GetProperty("tasks").GetInt64()));
        await using (var connection = await bridge.Service<Database>().OpenAsync(Ct))
        {
            var charged = await connection.QueryAsync<(long, string)>(
                "SELECT c.api_key_id, i.task_fee FROM inference_tasks i JOIN client_tasks c ON c.id = i.client_task_id WHERE i.fee_state = 1");
            var held = (await connection.QueryAsync<(long, long)>("SELECT id, spend_held_gwei FROM api_keys")).ToDictionary(r => r.Item1, r => r.Item2);
            foreach (var id in outcomes.Keys)
            {
                var fees2 = charged.Where(c => c.Item1 == id).Sum(c => (long)((BigInteger.Parse(c.Item2, CultureInfo.InvariantCulture) + 999_999_999) / 1_000_000_000));
                Assert.Equal(fees2, held[id]);
            }
        }
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
