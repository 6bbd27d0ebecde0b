using System.Net;
using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;

namespace Crynux.Bridge.Tests.OperatorConsole;

/// <summary>
/// The admin task traces (upstream's routes and contract) against the devnet: each Relay task's events in the trace are
/// the devnet's own history of that task, for a success, a validation group and an aborted task; they survive a
/// restart and read the same on a second instance.
/// </summary>
public sealed class TaskTraceTests
{
    private const string Auth = "auth=" + ConsoleTestSupport.Token;

    /// <summary>The devnet's event types as the trace names them.</summary>
    private static readonly Dictionary<string, string> RelayEventNames = new(StringComparer.Ordinal)
    {
        ["TaskStarted"] = "task_started",
        ["TaskScoreReady"] = "score_ready",
        ["TaskErrorReported"] = "error_reported",
        ["TaskValidated"] = "validation_passed",
        ["TaskEndGroupRefund"] = "task_group_refunded",
        ["TaskEndInvalidated"] = "task_invalidated",
        ["TaskEndAborted"] = "task_aborted",
        ["TaskEndSuccess"] = "task_execution_succeeded",
        ["TaskEndGroupSuccess"] = "task_execution_succeeded",
    };

    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task A_success_trace_matches_the_devnets_history_and_survives_a_restart(string driver)
    {
        await using var bridge = await ConsoleTestSupport.StartAsync(driver);
        var task = await bridge.RunRawAsync(TestTasks.LlmTask());
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        var member = Assert.Single(await bridge.Service<TaskStore>().GetMembersAsync(task.Id, TestContext.Current.CancellationToken));

        var (status, body) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/tasks/{member.TaskId}/trace?{Auth}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", body.GetProperty("message").GetString());
        var trace = body.GetProperty("data");
        Assert.Equal("direct_inference_task", trace.GetProperty("source").GetString());
        Assert.Equal("llm", trace.GetProperty("task_type").GetString());
        Assert.Equal(member.TaskIdCommitment, trace.GetProperty("primary_task_id_commitment").GetString());
        Assert.Equal(member.TaskIdCommitment, trace.GetProperty("final_task_id_commitment").GetString());
        var only = Assert.Single(trace.GetProperty("parallel_tasks").EnumerateArray());
        Assert.Equal("primary", only.GetProperty("role").GetString());
        Assert.Equal("result_downloaded", only.GetProperty("status").GetString());
        Assert.Equal(11, only.GetProperty("status_code").GetInt32());
        var names = EventNames(only);
        // The event stream may tell the start before the create's answer is written: only the first is fixed.
        Assert.Equal("relay_task_create_submitted", names[0]);
        Assert.Contains("relay_task_created", names);
        Assert.Equal(["result_download_started", "result_downloaded"], names.TakeLast(2));
        AssertMatchesDevnet(bridge, only);
        AssertEventsOncePerStatus(only);

        // Restarted: the same trace from the database.
        await bridge.StopBridgeAsync();
        await bridge.StartBridgeAsync();
        var (again, afterRestart) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/tasks/{member.TaskIdCommitment}/trace?{Auth}");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(names, EventNames(afterRestart.GetProperty("data").GetProperty("parallel_tasks")[0]));

        // Another instance on the same database answers alike.
        var (app, second) = await bridge.StartSecondInstanceAsync("test-b");
        try
        {
            var (fromSecond, secondBody) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/llm/tasks?{Auth}", baseUrl: second);
            Assert.Equal(HttpStatusCode.OK, fromSecond);
            Assert.Empty(secondBody.GetProperty("data").EnumerateArray()); // a raw task is not an OpenAI LLM request
            var (listed, list) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/tasks?{Auth}&limit=0", baseUrl: second);
            Assert.Equal(HttpStatusCode.OK, listed);
            Assert.Equal(names, EventNames(Assert.Single(list.GetProperty("data").EnumerateArray()).GetProperty("parallel_tasks")[0]));
        }
        finally
        {
            await app.StopAsync(TestContext.Current.CancellationToken);
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_validation_group_trace_has_three_members_with_the_devnets_histories()
    {
        await using var bridge = await ConsoleTestSupport.StartAsync(unselectedSeeds: false);
        bridge.Devnet.Control.EnqueueSamplingSeed(TestTasks.SelectedSeed(bridge.Wallet));
        var task = await bridge.RunRawAsync(TestTasks.SdTask(1));
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        var members = await bridge.Service<TaskStore>().GetMembersAsync(task.Id, TestContext.Current.CancellationToken);
        Assert.Equal(3, members.Count);

        var (status, body) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/tasks/{task.PublicId}/trace?{Auth}");
        Assert.Equal(HttpStatusCode.OK, status);
        var trace = body.GetProperty("data");
        var parallel = trace.GetProperty("parallel_tasks").EnumerateArray().ToList();
        Assert.Equal(3, parallel.Count);
        Assert.Equal(["primary", "validation", "validation"], parallel.Select(p => p.GetProperty("role").GetString()));
        Assert.Contains("validation_tasks_created", EventNames(parallel[0]));
        Assert.All(parallel, p => Assert.Contains("validation_submitted", EventNames(p)));
        var group = Assert.Single(trace.GetProperty("validation_groups").EnumerateArray());
        Assert.Equal(members[0].TaskId, group.GetProperty("task_id").GetString());
        Assert.Equal(3, group.GetProperty("tasks").GetArrayLength());
        Assert.Equal(2, parallel.Count(p => p.GetProperty("status").GetString() == "end_group_refund"));
        foreach (var member in parallel)
        {
            AssertMatchesDevnet(bridge, member);
            AssertEventsOncePerStatus(member);
        }
    }

    [Fact]
    public async Task An_aborted_task_trace_shows_the_error_report_and_the_abort()
    {
        await using var bridge = await ConsoleTestSupport.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { ErrorRate = 1 });
        var task = await bridge.RunRawAsync(TestTasks.LlmTask());
        Assert.Equal(ClientTaskStatus.Failed, task.Status);

        var (status, body) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/tasks?{Auth}");
        Assert.Equal(HttpStatusCode.OK, status);
        var trace = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal(task.Error, trace.GetProperty("error").GetString());
        Assert.False(trace.TryGetProperty("final_task_id_commitment", out _));
        var member = Assert.Single(trace.GetProperty("parallel_tasks").EnumerateArray());
        Assert.Equal("end_aborted", member.GetProperty("status").GetString());
        var names = EventNames(member);
        Assert.Equal(["error_reported", "validation_submitted", "task_aborted"], names.TakeLast(3));
        AssertMatchesDevnet(bridge, member);
        AssertEventsOncePerStatus(member);
    }

    [Fact]
    public async Task A_task_the_relay_refused_is_traced_with_the_refusal()
    {
        await using var bridge = await TestBridge.StartAsync(fund: false, configure: o => o.Admin.AuthToken = ConsoleTestSupport.Token);
        var task = await bridge.RunRawAsync(TestTasks.LlmTask());
        Assert.Equal(ClientTaskStatus.Failed, task.Status);
        var (_, body) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/tasks?{Auth}");
        var member = body.GetProperty("data")[0].GetProperty("parallel_tasks")[0];
        Assert.Equal(["relay_task_create_submitted", "relay_task_create_rejected", "task_aborted"], EventNames(member));
        Assert.Contains("balance", member.GetProperty("events")[1].GetProperty("details").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Wrong_or_missing_tokens_get_401_and_unknown_ids_400()
    {
        await using var bridge = await ConsoleTestSupport.StartAsync();
        var task = await bridge.RunRawAsync(TestTasks.LlmTask());
        var taskId = (await bridge.Service<TaskStore>().GetMembersAsync(task.Id, TestContext.Current.CancellationToken))[0].TaskId;
        foreach (var path in new[] { "v1/admin/tasks", "v1/admin/llm/tasks", $"v1/admin/tasks/{taskId}/trace", $"v1/admin/llm/tasks/{taskId}/trace" })
        {
            foreach (var query in new[] { "", "?auth=", "?auth=wrong", "?auth=" + ConsoleTestSupport.Token + "x" })
            {
                var (status, body) = await ConsoleTestSupport.GetAsync(bridge, path + query);
                Assert.Equal(HttpStatusCode.Unauthorized, status);
                Assert.Equal("""{"message":"unauthorized"}""", body.GetRawText());
            }
            // The header is not the trace routes' contract.
            Assert.Equal(HttpStatusCode.Unauthorized, (await ConsoleTestSupport.GetAsync(bridge, path, bearer: ConsoleTestSupport.Token)).Status);
        }
        var (unknown, unknownBody) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/tasks/0x{new string('a', 64)}/trace?{Auth}");
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Equal("task_id", unknownBody.GetProperty("data").GetProperty("field_name").GetString());
        Assert.Equal("task trace not found", unknownBody.GetProperty("data").GetProperty("message").GetString());
        var (notLlm, notLlmBody) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/llm/tasks/{taskId}/trace?{Auth}");
        Assert.Equal(HttpStatusCode.BadRequest, notLlm);
        Assert.Equal("OpenAI LLM task trace not found", notLlmBody.GetProperty("data").GetProperty("message").GetString());
        var (badLimit, badLimitBody) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/tasks?{Auth}&limit=many");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit);
        Assert.Equal("limit", badLimitBody.GetProperty("data").GetProperty("field_name").GetString());
    }

    [Fact]
    public async Task An_empty_configured_token_denies_every_call()
    {
        await using var bridge = await TestBridge.StartAsync();
        var (status, body) = await ConsoleTestSupport.GetAsync(bridge, "v1/admin/tasks?auth=");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthorized", body.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await ConsoleTestSupport.GetAsync(bridge, "v1/admin/console/overview", bearer: "")).Status);
    }

    [Fact]
    public async Task Only_the_newest_task_trace_max_tasks_are_traced()
    {
        await using var bridge = await ConsoleTestSupport.StartAsync(configure: o => o.Admin.TaskTraceMaxTasks = 2);
        var first = await bridge.RunRawAsync(TestTasks.LlmTask("one"));
        await bridge.RunRawAsync(TestTasks.LlmTask("two"));
        await bridge.RunRawAsync(TestTasks.LlmTask("three"));
        var (_, list) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/tasks?{Auth}&limit=10");
        Assert.Equal(2, list.GetProperty("data").GetArrayLength());
        var (status, _) = await ConsoleTestSupport.GetAsync(bridge, $"v1/admin/tasks/{first.PublicId}/trace?{Auth}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    internal static List<string> EventNames(JsonElement member) =>
        [.. member.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("name").GetString()!)];

    /// <summary>The trace's Relay-side events of the task are exactly the devnet's events of that commitment, in order.</summary>
    private static void AssertMatchesDevnet(TestBridge bridge, JsonElement member)
    {
        var commitment = member.GetProperty("task_id_commitment").GetString()!;
        Assert.NotNull(bridge.Devnet.Control.GetTask(commitment));
        var devnet = bridge.Devnet.Control.GetEvents().Where(e => e.TaskIdCommitment == commitment).Select(e => RelayEventNames[e.Type]).ToList();
        var relayNames = RelayEventNames.Values.ToHashSet(StringComparer.Ordinal);
        var traced = EventNames(member).Where(relayNames.Contains).ToList();
        Assert.Equal(devnet, traced);
        Assert.Contains("relay_task_created", EventNames(member));
    }

    private static void AssertEventsOncePerStatus(JsonElement member)
    {
        var pairs = member.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("name").GetString(), e.GetProperty("task_status").GetString())).ToList();
        Assert.Equal(pairs.Count, pairs.Distinct().Count());
        var times = member.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("timestamp").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
    }
}
