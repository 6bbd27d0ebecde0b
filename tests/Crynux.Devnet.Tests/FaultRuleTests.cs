using System.Net;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

public class FaultRuleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_after_handling_processes_the_create_then_answers_an_nginx_page()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        var id = devnet.Control.AddFault(new FaultRule { Route = "create", Kind = FaultKind.Status });
        Assert.Equal(id, Assert.Single(devnet.Control.GetFaults()).Id);
        var spec = TaskSpec.Sd();

        var reply = await devnet.Creator.CreateAsync(spec);
        Assert.Equal(HttpStatusCode.BadGateway, reply.Status);
        Assert.Contains("<center><h1>502 Bad Gateway</h1></center>", System.Text.Encoding.ASCII.GetString(reply.Bytes), StringComparison.Ordinal);
        Assert.NotNull(devnet.Control.GetTask(spec.Commitment));
        Assert.Equal(TestDevnet.InitialFunds - spec.TaskFee, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Empty(devnet.Control.GetFaults());
        Assert.Equal(1, devnet.Control.FaultHits);
        Assert.Equal(1, devnet.Control.Requests.FaultedRequests);
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.CreateAsync(TaskSpec.Sd())).Status);
        Assert.Equal(2, devnet.Control.Requests.ByRoute["POST /v1/inference_tasks/{task_id_commitment}"]);
    }

    [Fact]
    public async Task Truncate_on_the_2026_sd_result_gives_a_cut_archive()
    {
        await using var devnet = await Protocol2026.StartAsync();
        var spec = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Sd(images: 2));
        byte[] whole;
        using (var full = await devnet.Creator.WholeResultAsync(devnet.Http, spec.Commitment))
        {
            whole = await full.Content.ReadAsByteArrayAsync(Ct);
        }
        devnet.Control.AddFault(new FaultRule { Route = "results", Kind = FaultKind.Truncate });
        var (ts, sig) = devnet.Creator.Sign(new JsonObject { ["task_id_commitment"] = spec.Commitment });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"v1/inference_tasks/{spec.Commitment}/results?timestamp={ts}&signature={sig}", UriKind.Relative));
        using var response = await devnet.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(("application/zip", (long?)whole.Length), (response.Content.Headers.ContentType!.MediaType, response.Content.Headers.ContentLength));
        var received = new MemoryStream();
        await using (var body = await response.Content.ReadAsStreamAsync(Ct))
        {
            await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(received, Ct));
        }
        Assert.Equal(whole.Length / 2, received.Length);
        received.Position = 0;
        Assert.ThrowsAny<InvalidDataException>(() => new System.IO.Compression.ZipArchive(received, System.IO.Compression.ZipArchiveMode.Read));
    }

    [Fact]
    public async Task Status_before_handling_changes_nothing_and_only_its_route_is_hit()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        devnet.Control.AddFault(new FaultRule { Route = "create", Kind = FaultKind.Status, StatusCode = 504, Timing = FaultTiming.BeforeHandling, Count = 2 });
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.SendAsync(HttpMethod.Get, "v1/now")).Status);
        var spec = TaskSpec.Sd();

        var reply = await devnet.Creator.CreateAsync(spec);
        Assert.Equal(HttpStatusCode.GatewayTimeout, reply.Status);
        Assert.Null(devnet.Control.GetTask(spec.Commitment));
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(1, Assert.Single(devnet.Control.GetFaults()).Hits);
        Assert.Equal(("task_id_commitment", "Task not found"), (await devnet.Creator.GetTaskAsync(spec.Commitment)).Validation);
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await devnet.Creator.CreateAsync(spec)).Status);
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.CreateAsync(spec)).Status);
        Assert.Equal(2, devnet.Control.FaultHits);
    }

    [Fact]
    public async Task Html_garbage_and_reset_answers_are_what_a_broken_network_gives()
    {
        await using var devnet = await TestDevnet.StartAsync();
        devnet.Control.AddFault(new FaultRule { Route = "any", Kind = FaultKind.Html });
        using (var html = await devnet.Http.GetAsync(new Uri("v1/now", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, html.StatusCode);
            Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
            Assert.StartsWith("<!DOCTYPE html>", await html.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        devnet.Control.AddFault(new FaultRule { Route = "events", Kind = FaultKind.Garbage });
        using (var garbage = await devnet.Http.GetAsync(new Uri("v1/events?start=0", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, garbage.StatusCode);
            Assert.Equal("application/json", garbage.Content.Headers.ContentType!.MediaType);
            var bytes = await garbage.Content.ReadAsByteArrayAsync(Ct);
            Assert.ThrowsAny<System.Text.Json.JsonException>(() => JsonNode.Parse(bytes));
        }

        devnet.Control.AddFault(new FaultRule { Route = "get", Kind = FaultKind.Reset, Timing = FaultTiming.BeforeHandling });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => devnet.Creator.GetTaskAsync("0x" + new string('1', 64)));
        Assert.Equal(3, devnet.Control.FaultHits);
        Assert.Empty(devnet.Control.GetFaults());
    }

    [Fact]
    public async Task Truncate_sends_the_full_content_length_and_half_the_llm_result()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var spec = TaskSpec.Llm();
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        await devnet.CreateAsync(spec);
        var ready = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(ready));
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.EndSuccess);
        var whole = (await devnet.Creator.ResultAsync(spec.Commitment, 0)).Bytes;

        devnet.Control.AddFault(new FaultRule { Route = "results", Kind = FaultKind.Truncate });
        var (ts, sig) = devnet.Creator.Sign(new JsonObject { ["index"] = "0", ["task_id_commitment"] = spec.Commitment });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"v1/inference_tasks/{spec.Commitment}/results/0?timestamp={ts}&signature={sig}", UriKind.Relative));
        using var response = await devnet.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(whole.Length, response.Content.Headers.ContentLength);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        var received = new MemoryStream();
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(received, Ct));
        Assert.Equal(whole.AsSpan(0, whole.Length / 2).ToArray(), received.ToArray());
    }

    [Fact]
    public async Task A_window_on_the_devnet_clock_ends_an_unlimited_rule_and_node_requests_are_never_faulted()
    {
        await using var devnet = await TestDevnet.StartAsync();
        devnet.Control.AddFault(new FaultRule { Route = "any", Kind = FaultKind.Status, StatusCode = 503, Count = 0, For = TimeSpan.FromSeconds(10) });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await devnet.Creator.SendAsync(HttpMethod.Get, "v1/now")).Status);
        }
        Assert.Equal(3, Assert.Single(devnet.Control.GetFaults()).Hits);

        devnet.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(devnet.Control.GetFaults());
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var spec = await devnet.CreateAsync(TaskSpec.Llm());
        devnet.Control.AddFault(new FaultRule { Route = "any", Kind = FaultKind.Reset, Count = 0 });
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        Assert.Equal(0, devnet.Control.NodeFailedCalls);
        Assert.Equal(3, devnet.Control.FaultHits);
    }

    [Fact]
    public async Task Delay_holds_the_request_then_answers_normally()
    {
        await using var devnet = await TestDevnet.StartAsync();
        devnet.Control.AddFault(new FaultRule { Route = "any", Kind = FaultKind.Delay, DelayMs = 150 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.SendAsync(HttpMethod.Get, "v1/now")).Status);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"only {clock.Elapsed}");
        Assert.Equal(1, devnet.Control.FaultHits);
    }

    [Fact]
    public async Task Admin_api_adds_lists_rejects_and_clears_fault_rules()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var added = await devnet.Creator.PostJsonAsync("devnet/faults", new JsonObject
        {
            ["route"] = "create",
            ["kind"] = "status",
            ["timing"] = "before",
            ["status"] = 502,
            ["count"] = 3,
            ["for_seconds"] = 30,
            ["delay_ms"] = 0,
        });
        Assert.Equal(HttpStatusCode.OK, added.Status);
        var id = added.Body!["id"]!.GetValue<int>();
        var rule = Assert.Single(devnet.Control.GetFaults());
        Assert.Equal((id, "create", FaultKind.Status, FaultTiming.BeforeHandling, 502, 3, TimeSpan.FromSeconds(30)),
            (rule.Id, rule.Rule.Route, rule.Rule.Kind, rule.Rule.Timing, rule.Rule.StatusCode, rule.Rule.Count, rule.Rule.For));
        Assert.Equal(HttpStatusCode.BadGateway, (await devnet.Creator.CreateAsync(TaskSpec.Sd())).Status);

        var listed = Assert.Single((await devnet.Creator.SendAsync(HttpMethod.Get, "devnet/faults")).Body!.AsArray())!;
        Assert.Equal((id, 1, "before", "status"), (listed["id"]!.GetValue<int>(), listed["hits"]!.GetValue<int>(),
            listed["timing"]!.GetValue<string>(), listed["kind"]!.GetValue<string>()));
        var html = await devnet.Creator.PostJsonAsync("devnet/faults", new JsonObject { ["route"] = "get", ["kind"] = "html" });
        Assert.Equal(HttpStatusCode.OK, html.Status);
        Assert.Equal(200, devnet.Control.GetFaults()[1].Rule.StatusCode);

        JsonObject[] bad =
        [
            new() { ["route"] = "nope", ["kind"] = "status" },
            new() { ["route"] = "create", ["kind"] = "explode" },
            new() { ["route"] = "create", ["kind"] = "status", ["timing"] = "during" },
            new() { ["route"] = "create", ["kind"] = "status", ["status"] = 700 },
            new() { ["route"] = "create", ["kind"] = "status", ["count"] = -1 },
            new() { ["route"] = "create", ["kind"] = "status", ["count"] = 1.5 },
            new() { ["route"] = "create", ["kind"] = "status", ["for_seconds"] = 0 },
            new() { ["route"] = "create", ["kind"] = "delay", ["delay_ms"] = "10" },
            new() { ["kind"] = "status" },
        ];
        foreach (var body in bad)
        {
            var reply = await devnet.Creator.PostJsonAsync("devnet/faults", body);
            Assert.True(reply.Status == HttpStatusCode.BadRequest && reply.Message is { Length: > 0 }, body.ToJsonString());
        }
        Assert.Equal(2, devnet.Control.GetFaults().Count);

        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.SendAsync(HttpMethod.Delete, "devnet/faults")).Status);
        Assert.Empty(devnet.Control.GetFaults());
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.CreateAsync(TaskSpec.Sd())).Status);
        Assert.Throws<ArgumentException>(() => devnet.Control.AddFault(new FaultRule { Route = "creat" }));
    }
}
