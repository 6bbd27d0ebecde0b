using System.Net;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

public class EventAndFaultTests
{
    [Fact]
    public async Task Events_have_the_relay_types_args_and_ascending_ids()
    {
        await using var devnet = await TestDevnet.StartAsync();
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        var ready = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(ready));
        var done = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.EndSuccess);

        var rows = (await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/events?start=0&task_id_commitment={spec.Commitment}")).Data!.AsArray();
        Assert.Equal(["TaskStarted", "TaskScoreReady", "TaskValidated", "TaskEndSuccess"], rows.Select(r => r!["type"]!.GetValue<string>()));
        var ids = rows.Select(r => r!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.All(rows, r => Assert.Equal(done.SelectedNode, r!["node_address"]!.GetValue<string>()));
        var scoreArgs = JsonNode.Parse(rows[1]!["args"]!.GetValue<string>())!;
        Assert.Equal((spec.Commitment, done.SelectedNode, done.Score),
            (scoreArgs["task_id_commitment"]!.GetValue<string>(), scoreArgs["selected_node"]!.GetValue<string>(), scoreArgs["score"]!.GetValue<string>()));

        var current = await devnet.Creator.SendAsync(HttpMethod.Get, "v1/events/current_id");
        Assert.Equal(ids[^1], current.Data!.GetValue<long>());
        var after = await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/events?start={ids[1]}&limit=1");
        Assert.Equal(ids[2], Assert.Single(after.Data!.AsArray())!["id"]!.GetValue<long>());
        var filtered = await devnet.Creator.SendAsync(HttpMethod.Get, "v1/events?event_type=TaskValidated");
        Assert.Single(filtered.Data!.AsArray());
    }

    [Fact]
    public async Task Injected_5xx_hit_the_next_n_client_requests_only_and_are_counted()
    {
        await using var devnet = await TestDevnet.StartAsync();
        devnet.Control.FailNextRequests(2, 502);
        Assert.Equal(HttpStatusCode.BadGateway, (await devnet.Creator.SendAsync(HttpMethod.Get, "v1/now")).Status);
        Assert.Equal(HttpStatusCode.BadGateway, (await devnet.Creator.SendAsync(HttpMethod.Get, "v1/now")).Status);
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.SendAsync(HttpMethod.Get, "v1/now")).Status);
        Assert.Equal(2, devnet.Control.Requests.FaultedRequests);
        Assert.Equal(3, devnet.Control.Requests.ByRoute["GET /v1/now"]);

        devnet.Control.Faults = new FaultOptions { FailureRate = 1 };
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await devnet.Creator.SendAsync(HttpMethod.Get, "v1/now")).Status);
        devnet.Control.Faults = new FaultOptions();

        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var spec = await devnet.CreateAsync(TaskSpec.Llm());
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        Assert.Equal(5, devnet.Control.Requests.ClientRequests);
        Assert.Equal(2, devnet.Control.Requests.NodeRequests);
        Assert.Equal(1, devnet.Control.Requests.ByRoute["POST /v1/inference_tasks/{task_id_commitment}/score"]);

        var stats = await devnet.Creator.SendAsync(HttpMethod.Get, "devnet/stats");
        Assert.Equal(7, stats.Body!["requests_total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Admin_api_funds_and_reports_the_ledger()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var key = Crypto.EthKey.Generate();
        var funded = await devnet.Creator.PostJsonAsync("devnet/fund", new JsonObject { ["address"] = key.Address.ToLowerInvariant(), ["wei"] = "123" });
        Assert.Equal("123", funded.Body!["balance"]!.GetValue<string>());
        Assert.Equal(123, devnet.Control.GetBalance(key.Address));
        var ledger = await devnet.Creator.SendAsync(HttpMethod.Get, $"devnet/ledger?address={key.Address}");
        Assert.Equal("Fund", Assert.Single(ledger.Body!.AsArray())!["kind"]!.GetValue<string>());
        var bad = await devnet.Creator.PostJsonAsync("devnet/fund", new JsonObject { ["address"] = "nope", ["wei"] = "1" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        var badFaults = await devnet.Creator.PostJsonAsync("devnet/faults", new JsonObject { ["failure_rate"] = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, badFaults.Status);
        Assert.Equal(0, devnet.Control.Faults.FailureRate);
    }

    [Fact]
    public async Task Added_latency_delays_client_requests_but_not_node_requests()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        devnet.Control.Faults = new FaultOptions { AddedLatency = TimeSpan.FromMilliseconds(150) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"only {clock.Elapsed}");
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.Started);
        devnet.Control.Faults = new FaultOptions();
        var current = await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/node/{task.SelectedNode}/task");
        Assert.Equal(spec.Commitment, current.Data!.GetValue<string>());
        var idle = devnet.Control.NodeAddresses.First(a => a != task.SelectedNode);
        Assert.Equal("0x" + new string('0', 64), (await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/node/{idle}/task")).Data!.GetValue<string>());
    }
}
