using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;
using Crynux.Devnet;
using Crynux.Devnet.Media;
using Crynux.Devnet.Relay;

namespace Crynux.Bridge.Tests.Engine;

/// <summary>
/// The network misbehaving between the bridge and the Relay (the devnet's fault rules): for each fault on each of
/// create, validate and download, 20 requests (10 chats, 10 images) all get their correct answer, again on a re-send
/// with the same Idempotency-Key; one Relay task and one fee per request, no task left to expire unvalidated (reason 8),
/// none aborted by the bridge while the Relay kept it, and never more than 2 GETs about one task in a second.
/// </summary>
public sealed class RelayFaultTests
{
    private const int Requests = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, int> Matrix()
    {
        var data = new TheoryData<string, string, string, int>();
        foreach (var driver in new[] { "sqlite", "mysql" })
        {
            foreach (var route in new[] { "create", "validate", "results", "batch" })
            {
                foreach (var fault in new[] { "5xx", "reset", "garbage", "truncate" })
                {
                    // create and validate are the single routes (a 2025 Relay); a 2026 Relay takes them in batches.
                    data.Add(driver, route, fault, route is "create" or "validate" ? 2025 : DevnetOptions.DefaultProtocol);
                    if (route == "results")
                    {
                        data.Add(driver, route, fault, 2025); // the per-index download (and its probe's fault) too
                    }
                }
            }
            // A proxy's HTML error page on a 400 is not the Relay's "Task already uploaded": the outcome is still unknown.
            data.Add(driver, "create", "html400", 2025);
            data.Add(driver, "batch", "html400", DevnetOptions.DefaultProtocol);
        }
        return data;
    }

    private static FaultRule Rule(string route, string fault) => fault switch
    {
        "5xx" => new FaultRule { Route = route, Kind = FaultKind.Status, StatusCode = 502, Count = Requests },
        "reset" => new FaultRule { Route = route, Kind = FaultKind.Reset, Count = Requests },
        "garbage" => new FaultRule { Route = route, Kind = FaultKind.Garbage, Count = Requests },
        "truncate" => new FaultRule { Route = route, Kind = FaultKind.Truncate, Count = Requests },
        "html400" => new FaultRule { Route = route, Kind = FaultKind.Html, StatusCode = 400, Count = Requests },
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Twenty_requests_get_their_answers_through_a_relay_fault(string driver, string route, string fault, int protocol)
    {
        using var recorder = new RelayCallRecorder();
        await using var bridge = await TestBridge.StartAsync(driver, devnet: o => o.Protocol = protocol, relayHandler: recorder);
        // Accepted by the Relay, and then the answer is lost: the case that cost money before.
        bridge.Devnet.Control.AddFault(Rule(route, fault) with { Timing = FaultTiming.AfterHandling });

        // Retries come after a second or two: a minute is plenty, and a request lost to the fault fails here, not after minutes.
        var first = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => SendAsync(bridge, i))).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var again = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => SendAsync(bridge, i)));

        Assert.True(bridge.Devnet.Control.FaultHits > 0, "the fault never fired");
        for (var i = 0; i < Requests; i++)
        {
            Assert.True(first[i].Status == HttpStatusCode.OK, $"request {i}: {first[i].Status} {first[i].Answer}");
            Assert.True(again[i].Status == HttpStatusCode.OK, $"re-sent request {i}: {again[i].Status} {again[i].Answer}");
            Assert.Equal(first[i].Answer, again[i].Answer);
        }

        var relayTasks = bridge.Devnet.Control.GetTasks();
        Assert.Equal(Requests, relayTasks.Count);
        Assert.Equal(Requests, bridge.CountLedger("TaskPayment"));
        Assert.Equal(0, bridge.CountLedger("TaskRefund"));
        Assert.DoesNotContain(relayTasks, t => t.AbortReason == TaskAbortReason.CreatorValidationTimeout);
        Assert.All(relayTasks, t => Assert.Equal(RelayTaskStatus.EndSuccess, t.Status));

        var store = bridge.Service<TaskStore>();
        var clientTasks = await store.ListClientTasksAsync(null, 100, Ct);
        Assert.Equal(Requests, clientTasks.Count);
        foreach (var clientTask in clientTasks)
        {
            var members = await store.GetMembersAsync(clientTask.Id, Ct);
            var member = Assert.Single(members);
            Assert.Equal(InferenceStatus.ResultDownloaded, member.State);
            var relayTask = relayTasks.Single(t => t.TaskIdCommitment == member.TaskIdCommitment);
            var answer = first[int.Parse(clientTask.IdempotencyKey!.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)].Answer;
            AssertCorrect(bridge, member, relayTask, answer);
        }

        var (most, commitment) = recorder.MostGetsInOneSecond();
        Assert.True(most <= 2, $"{most} GETs about {commitment} within one second");
    }

    [Theory]
    [InlineData("5xx")]
    [InlineData("reset")]
    [InlineData("garbage")]
    public async Task A_group_validate_whose_answer_was_lost_is_learned_and_the_group_settles_once(string fault)
    {
        using var recorder = new RelayCallRecorder();
        // The single validate route (a 2025 Relay); the batch validate's lost answer is in Relay2026/BatchRouteTests.
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Protocol = 2025, unselectedSeeds: false, relayHandler: recorder);
        bridge.Devnet.Control.EnqueueSamplingSeed(TestTasks.SelectedSeed(bridge.Wallet));
        bridge.Devnet.Control.AddFault(Rule("validate", fault) with { Count = 1 });
        var task = await bridge.RunRawAsync(TestTasks.SdTask(1));
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        Assert.Equal(1, bridge.Devnet.Control.FaultHits);
        Assert.Equal(3, bridge.Devnet.Control.GetTasks().Count);
        Assert.Equal(3, bridge.CountLedger("TaskPayment"));
        Assert.Equal(2, bridge.CountLedger("TaskRefund"));
        var members = await bridge.Service<TaskStore>().GetMembersAsync(task.Id, Ct);
        Assert.All(members, m => Assert.Equal(0, m.OutcomeUnknown));
        Assert.True(recorder.MostGetsInOneSecond().Most <= 2);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mysql")]
    public async Task A_relay_outage_of_every_route_delays_tasks_without_hammering_and_loses_none(string driver)
    {
        using var recorder = new RelayCallRecorder();
        await using var bridge = await TestBridge.StartAsync(driver, relayHandler: recorder);
        // Every Relay route answers 503 (after acting, for the calls that act) for 30 s of the devnet's clock.
        bridge.Devnet.Control.AddFault(new FaultRule { Route = "any", Kind = FaultKind.Status, StatusCode = 503, Count = 0, For = TimeSpan.FromSeconds(30) });
        var requests = Enumerable.Range(0, 10).Select(i => SendAsync(bridge, i)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(4), Ct); // the bridge retries into the outage for a while
        var getsDuringOutage = recorder.GetCount;
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(31));

        var answers = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(90), Ct);
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, a.Answer));
        Assert.Equal(10, bridge.Devnet.Control.GetTasks().Count);
        Assert.Equal(10, bridge.CountLedger("TaskPayment"));
        // Each task is asked about at most every 600 ms, and backs off from there: 10 tasks, 4 s, at most 2 a second each.
        Assert.True(getsDuringOutage <= 10 * 2 * 4, $"{getsDuringOutage} task GETs during 4 s of outage");
        var (most, commitment) = recorder.MostGetsInOneSecond();
        Assert.True(most <= 2, $"{most} GETs about {commitment} within one second");
    }

    /// <summary>The kept result is the one the Relay scored, and it is what the client was answered.</summary>
    private static void AssertCorrect(TestBridge bridge, InferenceTaskRow member, TaskSnapshot relayTask, string answer)
    {
        var files = bridge.Service<global::Crynux.Bridge.Engine.ResultFiles>().FilesOf(member);
        var bytes = File.ReadAllBytes(Assert.Single(files));
        if (member.Type == Data.TaskType.Llm)
        {
            Assert.Equal(relayTask.Score, Hex.Encode(SHA256.HashData(bytes)));
            var content = JsonDocument.Parse(bytes).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
            Assert.Equal(content, answer);
        }
        else
        {
            Assert.Equal(relayTask.Score, Hex.Encode(PerceptualHash.Compute(PngImage.Decode(bytes))));
            Assert.Equal(Convert.ToBase64String(bytes), answer);
        }
    }

    private static async Task<(HttpStatusCode Status, string Answer)> SendAsync(TestBridge bridge, int i)
    {
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = $"request-{i}" };
        if (i % 2 == 0)
        {
            using var chat = await bridge.PostAsync("v1/chat/completions",
                new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = $"question {i}" } }, max_tokens = 8 }, headers: headers);
            var text = await chat.Content.ReadAsStringAsync(Ct);
            return chat.StatusCode == HttpStatusCode.OK
                ? (chat.StatusCode, JsonDocument.Parse(text).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!)
                : (chat.StatusCode, text);
        }
        using var image = await bridge.PostAsync("v1/images/generations",
            new { model = "crynux-ai/sdxl-turbo", prompt = $"a lighthouse {i}", n = 1, size = "256x256" }, headers: headers);
        var body = await image.Content.ReadAsStringAsync(Ct);
        return image.StatusCode == HttpStatusCode.OK
            ? (image.StatusCode, JsonDocument.Parse(body).RootElement.GetProperty("data")[0].GetProperty("b64_json").GetString()!)
            : (image.StatusCode, body);
    }
}
