using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Relay;
using Crynux.Crypto;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crynux.Bridge.Tests.Relay2026;

/// <summary>
/// <see cref="RelayBatches"/> against a scripted Relay: each batch item's outcome becomes what the single route would
/// have answered (one item's failure never fails the others), a lost batch answer is an unknown outcome for every item,
/// a batch refused as a whole goes on the single routes, and a 2025 Relay only ever gets the single routes.
/// </summary>
public sealed class RelayBatchesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] CreateCommitments = ["0xa", "0xb", "0xc", "0xd", "0xe", "0xf", "0x10"];
    private static readonly string[] ValidateCommitments = ["0xa", "0xb", "0xc", "0xd"];
    private static readonly string[] StatusCommitments = ["0xa", "0xb", "0xa"];

    /// <summary>A Relay whose batch routes answer each item from <see cref="Outcome"/> (by commitment), and whose single routes succeed.</summary>
    private sealed class ScriptedRelay : HttpMessageHandler
    {
        public bool Has2026 { get; set; } = true;
        public Func<string, HttpResponseMessage?>? WholeBatch { get; set; }
        public Dictionary<string, (string Outcome, string Error)> Outcome { get; } = new(StringComparer.Ordinal);
        public List<string> Paths { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (Paths)
            {
                Paths.Add(path);
            }
            if (!path.Contains("/batch", StringComparison.Ordinal))
            {
                return Json(HttpStatusCode.OK, """{"message":"success","data":{"sequence":7,"sampling_seed":"0x01","status":0}}""");
            }
            if (!Has2026)
            {
                return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("404 page not found") };
            }
            var json = JsonNode.Parse(body)!.AsObject();
            if (json["signature"]!.GetValue<string>() == "0x00")
            {
                return Json(HttpStatusCode.BadRequest, """{"message":"validation_error","data":{"field_name":"task_id_commitments","message":"Batch must contain at least one item"}}""");
            }
            if (WholeBatch?.Invoke(path) is { } whole)
            {
                return whole;
            }
            var items = json.TryGetPropertyValue("items", out var list) ? list!.AsArray() : json["task_id_commitments"]!.AsArray();
            var answers = new JsonArray();
            foreach (var item in items)
            {
                var commitment = item is JsonObject o
                    ? (o["task_id_commitment"] ?? o["task_id_commitments"]![0])!.GetValue<string>()
                    : item!.GetValue<string>();
                var (outcome, error) = Outcome.GetValueOrDefault(commitment, ("created", ""));
                var answer = new JsonObject { ["task_id_commitment"] = commitment, ["outcome"] = outcome, ["status"] = 0, ["found"] = outcome != "absent" };
                if (outcome is "created" or "already_exists")
                {
                    answer["sequence"] = 9;
                    answer["sampling_seed"] = "0x02";
                }
                if (error.Length > 0)
                {
                    answer["error"] = error;
                }
                answers.Add(answer);
            }
            return Json(HttpStatusCode.OK, new JsonObject { ["message"] = "success", ["data"] = answers }.ToJsonString());
        }

        public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
            new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    private static (RelayBatches Batches, RelayClient Client) Create(ScriptedRelay relay)
    {
        var client = new RelayClient(new HttpClient(relay) { BaseAddress = new Uri("http://relay.test/") }, EthKey.Generate(),
            new RelayClock(TimeProvider.System), TimeProvider.System, new BridgeMetrics(), new RelayOptions());
        return (new RelayBatches(client, NullLogger.Instance), client);
    }

    private static CreateTaskRequest Request(string commitment, int type = 1) =>
        new(commitment, "{}", type, "0x03", ["base:a/b"], 24, "", 0, "3.0.0", 1, "1000", 0);

    private static async Task<RelayException> Fails(Task task) => await Assert.ThrowsAsync<RelayException>(() => task);

    [Fact]
    public async Task Each_item_of_a_batch_create_gets_its_own_outcome()
    {
        var relay = new ScriptedRelay();
        relay.Outcome["0xb"] = ("already_exists", "");
        relay.Outcome["0xc"] = ("commitment_conflict", "");
        relay.Outcome["0xd"] = ("permanent_error", "insufficient relay account balance");
        relay.Outcome["0xe"] = ("temporary_error", "base model check temporarily unavailable");
        relay.Outcome["0xf"] = ("temporary_error", "database is locked");
        relay.Outcome["0x10"] = ("permanent_error", "invalid base model\nhuggingface model not found");
        var (batches, _) = Create(relay);
        var calls = CreateCommitments.Select(c => batches.CreateAsync(Request(c), Ct)).ToList();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.Equal(9, (await calls[0]).Sequence);
        Assert.Equal("0x02", (await calls[1]).SamplingSeed); // already stored: as created, charged once
        Assert.Equal(RelayErrorKind.Rejected, (await Fails(calls[2])).Kind);
        Assert.Equal("insufficient_balance: ", Failure.Prefix(await Fails(calls[3])));
        var outage = await Fails(calls[4]);
        Assert.Equal((RelayErrorKind.ServerError, "model_check_unavailable: "), (outage.Kind, Failure.Prefix(outage)));
        Assert.Equal(RelayErrorKind.Transient, (await Fails(calls[5])).Kind); // not created; asked about before it is sent again
        Assert.Equal("model_not_found: ", Failure.Prefix(await Fails(calls[6])));
        Assert.DoesNotContain(relay.Paths, p => p.StartsWith("/v1/inference_tasks/0x", StringComparison.Ordinal)); // no single create
    }

    [Fact]
    public async Task Each_validation_unit_gets_its_own_outcome()
    {
        var relay = new ScriptedRelay();
        relay.Outcome["0xa"] = ("validated", "");
        relay.Outcome["0xb"] = ("already_applied", "");
        relay.Outcome["0xc"] = ("permanent_error", "illegal task state");
        relay.Outcome["0xd"] = ("temporary_error", "InferenceTask.Status changed during update");
        var (batches, _) = Create(relay);
        var calls = ValidateCommitments.Select(c => batches.ValidateAsync(new ValidationUnit([c], "0x01", "0x02", "0x03"), Ct)).ToList();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));

        await calls[0];
        await calls[1];
        var refused = await Fails(calls[2]);
        Assert.Equal((RelayErrorKind.ServerError, "illegal task state"), (refused.Kind, refused.RelayMessage));
        Assert.Equal(RelayErrorKind.Transient, (await Fails(calls[3])).Kind);
        Assert.DoesNotContain("/v1/inference_tasks/validate", relay.Paths);
    }

    [Theory]
    [InlineData(502, "<html><body>Bad Gateway</body></html>")]
    [InlineData(200, "{\"message\":\"succ")]
    public async Task A_lost_or_unreadable_batch_answer_is_an_unknown_outcome_for_every_item_and_nothing_is_resent(int status, string body)
    {
        var relay = new ScriptedRelay { WholeBatch = _ => new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body) } };
        var (batches, _) = Create(relay);
        var validations = Enumerable.Range(0, 3).Select(i => batches.ValidateAsync(new ValidationUnit([$"0x{i}"], "0x01", "0x02", "0x03"), Ct)).ToList();
        var creates = Enumerable.Range(0, 3).Select(i => batches.CreateAsync(Request($"0x1{i}"), Ct)).ToList();
        foreach (var call in validations.Concat<Task>(creates))
        {
            Assert.Equal(RelayErrorKind.Transient, (await Fails(call)).Kind);
        }
        Assert.Null(await batches.AbortAsync("0x20", Ct)); // cancelled or not: unknown
        Assert.DoesNotContain(relay.Paths, p => !p.Contains("/batch", StringComparison.Ordinal)); // no single route tried behind it
    }

    [Fact]
    public async Task A_batch_route_gone_sends_the_item_on_the_single_route_and_the_relay_is_then_taken_for_2025()
    {
        var relay = new ScriptedRelay { WholeBatch = _ => new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("404 page not found") } };
        var (batches, client) = Create(relay);
        await batches.ValidateAsync(new ValidationUnit(["0xa"], "0x01", "0x02", "0x03"), Ct);
        Assert.Equal(["/v1/inference_tasks/batch/status", "/v1/inference_tasks/batch/validate", "/v1/inference_tasks/validate"], relay.Paths);
        Assert.False(await client.HasBatchAsync(Ct));
        await batches.ValidateAsync(new ValidationUnit(["0xb"], "0x01", "0x02", "0x03"), Ct);
        Assert.Equal("/v1/inference_tasks/validate", relay.Paths[^1]);
        Assert.Equal(4, relay.Paths.Count);
    }

    [Fact]
    public async Task A_batch_refused_as_a_whole_goes_on_the_single_route_and_the_relay_is_probed_again()
    {
        // What a 2025 Relay answers POST …/batch with: its single create of the commitment "batch" refusing the form.
        var relay = new ScriptedRelay
        {
            WholeBatch = p => p.EndsWith("/batch", StringComparison.Ordinal)
                ? ScriptedRelay.Json(HttpStatusCode.BadRequest, """{"message":"validation_error","data":{"field_name":"signature","message":"Invalid signature"}}""")
                : null,
        };
        var (batches, _) = Create(relay);
        Assert.Equal(7, (await batches.CreateAsync(Request("0xa"), Ct)).Sequence); // the single route's answer
        await batches.CreateAsync(Request("0xb"), Ct);
        Assert.Equal(2, relay.Paths.Count(p => p == "/v1/inference_tasks/batch/status")); // probed again after the refusal
    }

    [Fact]
    public async Task A_2025_relay_gets_the_single_routes_only()
    {
        var relay = new ScriptedRelay { Has2026 = false };
        var (batches, _) = Create(relay);
        Assert.Equal(7, (await batches.CreateAsync(Request("0xa"), Ct)).Sequence);
        await batches.ValidateAsync(new ValidationUnit(["0xa"], "0x01", "0x02", "0x03"), Ct);
        Assert.True(await batches.AbortAsync("0xa", Ct));
        Assert.Null(await batches.StatusAsync("0xa", Ct)); // the caller GETs the task
        Assert.Equal(["/v1/inference_tasks/batch/status", "/v1/inference_tasks/0xa", "/v1/inference_tasks/validate", "/v1/inference_tasks/0xa/abort_reason"], relay.Paths);
    }

    [Fact]
    public async Task Fine_tune_tasks_are_never_created_in_a_batch()
    {
        var relay = new ScriptedRelay();
        var (batches, _) = Create(relay);
        await batches.CreateAsync(Request("0xa", type: 2), Ct);
        Assert.Equal(["/v1/inference_tasks/0xa"], relay.Paths);
    }

    [Fact]
    public async Task Status_items_come_back_to_their_callers_and_a_commitment_asked_twice_is_sent_once()
    {
        var relay = new ScriptedRelay();
        relay.Outcome["0xb"] = ("absent", "");
        var (batches, _) = Create(relay);
        var calls = StatusCommitments.Select(c => batches.StatusAsync(c, Ct)).ToList();
        var items = await Task.WhenAll(calls);
        Assert.Equal(["0xa", "0xb", "0xa"], items.Select(i => i!.TaskIdCommitment));
        Assert.False(items[1]!.Found);
    }

    [Fact]
    public void The_estimated_completion_time_is_read_with_go_nanoseconds_and_any_offset()
    {
        var item = new BatchStatusItem { EstimatedCompletionTime = "2026-09-01T10:15:42.123456789Z" };
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 10, 15, 42, TimeSpan.Zero).AddTicks(1234567), item.EstimatedCompletion());
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 8, 15, 42, TimeSpan.Zero), new BatchStatusItem { EstimatedCompletionTime = "2026-09-01T10:15:42+02:00" }.EstimatedCompletion());
        Assert.Null(new BatchStatusItem().EstimatedCompletion());
        Assert.Null(new BatchStatusItem { EstimatedCompletionTime = "soon" }.EstimatedCompletion());
        Assert.Equal("x", JsonSerializer.Deserialize<BatchStatusItem>("""{"task_id_commitment":"x","found":true,"execution_gpu":"2x NVIDIA GeForce RTX 4090 TP+Linux"}""")!.TaskIdCommitment);
    }

    [Fact]
    public void The_sweep_leaves_a_task_alone_until_its_estimated_end_and_then_takes_its_fixed_interval_again()
    {
        var open = new OpenTasks();
        open.Add("0xa", 7, 0);
        open.Expect("0xa", 300_000);
        Assert.Empty(open.Stale(120_000, 60_000)); // quiet for two intervals, but the Relay expects it to run until 300 s
        Assert.False(open.TakeDue(7, 299_999));
        Assert.True(open.TakeDue(7, 300_000));
        Assert.False(open.TakeDue(7, 300_001)); // used up
        Assert.Empty(open.Stale(359_999, 60_000));
        Assert.Equal([7L], open.Stale(360_000, 60_000)); // the overrun: one interval after the estimate
    }
}
