using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;
using static Crynux.Bridge.Tests.Support.TestTasks;

namespace Crynux.Bridge.Tests.Engine;

/// <summary>The durable workflow against the devnet, on SQLite, MariaDB and PostgreSQL.</summary>
public sealed class TaskWorkflowTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task Sd_task_with_two_images_and_llm_task_succeed_with_three_relay_requests_each(string driver)
    {
        await using var bridge = await TestBridge.StartAsync(driver);
        var sd = await bridge.RunRawAsync(SdTask(2));
        Assert.Equal(ClientTaskStatus.Success, sd.Status);
        var member = await bridge.Service<TaskStore>().GetInferenceTaskAsync(sd.ResultTaskId!.Value, TestContext.Current.CancellationToken);
        Assert.Equal(InferenceStatus.ResultDownloaded, member!.State);
        var files = bridge.Service<global::Crynux.Bridge.Engine.ResultFiles>().FilesOf(member);
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.Equal(0x89, File.ReadAllBytes(f)[0]));

        var llm = await bridge.RunRawAsync(LlmTask());
        Assert.Equal(ClientTaskStatus.Success, llm.Status);
        Assert.Equal(2, bridge.CountLedger("TaskPayment"));
    }

    [Fact]
    public async Task Relay_requests_per_single_task_do_not_grow_with_task_duration()
    {
        await using var bridge = await TestBridge.StartAsync();
        // The result-route probe is one request per Relay every few minutes, not per task: made before counting.
        await bridge.Service<global::Crynux.Bridge.Relay.RelayClient>().HasWholeResultsAsync(TestContext.Current.CancellationToken);
        await bridge.Service<global::Crynux.Bridge.Relay.RelayClient>().HasBatchAsync(TestContext.Current.CancellationToken);
        var before = TaskRequests(bridge);
        var routesBefore = bridge.Devnet.Control.Requests.ByRoute;
        await bridge.RunRawAsync(LlmTask("short"));
        var shortTask = TaskRequests(bridge) - before;
        var routes = string.Join(", ", bridge.Devnet.Control.Requests.ByRoute.Select(r => $"{r.Key}={r.Value - routesBefore.GetValueOrDefault(r.Key)}"));
        bridge.Devnet.Control.DefaultNodeBehaviour = new NodeBehaviour { MinExecutionDelay = TimeSpan.FromSeconds(3), MaxExecutionDelay = TimeSpan.FromSeconds(3) };
        var middle = TaskRequests(bridge);
        var run = bridge.RunRawAsync(LlmTask("long"));
        // Node delays run on the devnet's clock: move it on by the node's 3 s once the task has started (no further, so that
        // the bridge's signatures stay inside the devnet's ±60 s window however slow the machine is).
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.SelectedNode.Length > 0 && t.Status == global::Crynux.Devnet.Relay.RelayTaskStatus.Started));
        for (var i = 0; i < 8 && !run.IsCompleted; i++)
        {
            bridge.DevnetTime.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(run, Task.Delay(50, TestContext.Current.CancellationToken));
        }
        Assert.Equal(ClientTaskStatus.Success, (await run).Status);
        var longTask = TaskRequests(bridge) - middle;
        Assert.True(shortTask == 3, $"{shortTask} requests: {routes}");
        Assert.Equal(shortTask, longTask);
    }

    private static readonly string[] SharedRoutes = ["GET /v1/events", "GET /v1/events/current_id", "GET /v1/now"];

    /// <summary>The bridge's Relay requests, without the shared event poll and clock reads.</summary>
    private static long TaskRequests(TestBridge bridge)
    {
        var requests = bridge.Devnet.Control.Requests;
        var shared = SharedRoutes.Sum(r => requests.ByRoute.GetValueOrDefault(r));
        return requests.ClientRequests - shared;
    }

    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task A_validation_group_is_created_validated_and_settled(string driver)
    {
        await using var bridge = await TestBridge.StartAsync(driver, unselectedSeeds: false);
        bridge.Devnet.Control.EnqueueSamplingSeed(SelectedSeed(bridge.Wallet));
        var task = await bridge.RunRawAsync(SdTask(1));
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        var members = await bridge.Service<TaskStore>().GetMembersAsync(task.Id, TestContext.Current.CancellationToken);
        Assert.Equal(3, members.Count);
        Assert.Single(members, m => m.State == InferenceStatus.ResultDownloaded);
        Assert.Equal(2, members.Count(m => m.State == InferenceStatus.EndGroupRefund));
        Assert.All(members, m => Assert.Equal(members[0].TaskId, m.TaskId));
        Assert.Equal(3, bridge.CountLedger("TaskPayment"));
        Assert.Equal(2, bridge.CountLedger("TaskRefund"));
    }

    [Fact]
    public async Task An_llm_validation_group_pins_the_members_to_the_first_nodes_gpu()
    {
        // Three nodes of each GPU model: the original's node stays busy until validation, so two more must exist.
        await using var bridge = await TestBridge.StartAsync(devnet: o =>
        {
            o.Nodes.Clear();
            for (var i = 0; i < 3; i++)
            {
                o.Nodes.Add(new NodeOptions());
                o.Nodes.Add(new NodeOptions { GpuName = "NVIDIA A100+Linux", GpuVram = 40 });
            }
        }, unselectedSeeds: false);
        bridge.Devnet.Control.EnqueueSamplingSeed(SelectedSeed(bridge.Wallet));
        var task = await bridge.RunRawAsync(LlmTask());
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        var members = await bridge.Service<TaskStore>().GetMembersAsync(task.Id, TestContext.Current.CancellationToken);
        var first = bridge.Devnet.Control.GetNode(members[0].SelectedNode)!;
        Assert.All(members.Skip(1), m => Assert.Equal(first.GpuName, m.RequiredGpu));
    }

    [Fact]
    public async Task Wrong_results_in_a_group_end_invalidated_and_the_task_still_succeeds_from_the_agreeing_pair()
    {
        // Exactly three nodes: the original's node stays busy until validation, so each member of the group runs on
        // another node and the liar always runs one of them. The first task's seed is the one drawn for validation.
        await using var bridge = await TestBridge.StartAsync(devnet: o =>
        {
            o.Nodes.Clear();
            for (var i = 0; i < 3; i++)
            {
                o.Nodes.Add(new NodeOptions());
            }
        }, unselectedSeeds: false);
        var liar = bridge.Devnet.Control.NodeAddresses[0];
        bridge.Devnet.Control.SetNodeBehaviour(liar, new NodeBehaviour { WrongResults = true });
        bridge.Devnet.Control.EnqueueSamplingSeed(SelectedSeed(bridge.Wallet));
        var task = await bridge.RunRawAsync(LlmTask());
        var members = await bridge.Service<TaskStore>().GetMembersAsync(task.Id, TestContext.Current.CancellationToken);
        Assert.Equal(3, members.Count);
        Assert.Equal(3, members.Select(m => m.SelectedNode).Distinct().Count());
        Assert.Equal(InferenceStatus.EndInvalidated, members.Single(m => m.SelectedNode == liar).State);
        Assert.All(members.Where(m => m.SelectedNode != liar), m => Assert.NotEqual(InferenceStatus.EndInvalidated, m.State));
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        Assert.NotEqual(members.Single(m => m.SelectedNode == liar).Id, task.ResultTaskId);
    }

    [Fact]
    public async Task A_node_error_fails_the_task_refunds_the_fee_and_gives_the_use_back()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { ErrorRate = 1 });
        var task = await bridge.RunRawAsync(LlmTask());
        Assert.Equal(ClientTaskStatus.Failed, task.Status);
        Assert.StartsWith("task_error", task.Error, StringComparison.Ordinal);
        Assert.Equal(1, bridge.CountLedger("TaskRefund"));
    }

    [Fact]
    public async Task A_relay_400_on_create_aborts_locally_without_retrying()
    {
        await using var bridge = await TestBridge.StartAsync(fund: false);
        var task = await bridge.RunRawAsync(LlmTask());
        Assert.Equal(ClientTaskStatus.Failed, task.Status);
        Assert.StartsWith("insufficient_balance", task.Error, StringComparison.Ordinal);
        var routes = bridge.Devnet.Control.Requests.ByRoute;
        Assert.Equal(1, routes.GetValueOrDefault("POST /v1/inference_tasks/{task_id_commitment}") + routes.GetValueOrDefault("POST /v1/inference_tasks/batch"));
    }

    [Fact]
    public async Task A_queue_timeout_fails_the_task_with_a_refund()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Nodes.Clear());
        using var response = await bridge.PostAsync("v1/inference_tasks", LlmTask());
        var id = (await TestBridge.JsonAsync(response)).GetProperty("data").GetProperty("id").GetInt64();
        var wait = bridge.Service<global::Crynux.Bridge.Engine.TaskSubmitter>().WaitAsync(id, TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Count == 1);
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(101));
        bridge.Devnet.Control.RunDueTimers();
        var task = await wait.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(ClientTaskStatus.Failed, task.Status);
        Assert.StartsWith("timeout", task.Error, StringComparison.Ordinal);
        Assert.Equal(1, bridge.CountLedger("TaskRefund"));
    }

    [Fact]
    public async Task A_relay_outage_delays_tasks_and_they_finish_after_it()
    {
        await using var bridge = await TestBridge.StartAsync();
        bridge.Devnet.Control.FailNextRequests(12);
        var task = await bridge.RunRawAsync(SdTask(1));
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        Assert.Equal(1, bridge.CountLedger("TaskPayment"));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task A_bridge_restarted_mid_task_resumes_without_a_second_task_or_fee(string driver)
    {
        await using var bridge = await TestBridge.StartAsync(driver, devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        using var response = await bridge.PostAsync("v1/inference_tasks", SdTask(1));
        var id = (await TestBridge.JsonAsync(response)).GetProperty("data").GetProperty("id").GetInt64();
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.SelectedNode.Length > 0));
        await bridge.StopBridgeAsync();

        // While the bridge is down the node is told to finish; the bridge restarts with the same instance id and database.
        bridge.Devnet.Control.DefaultNodeBehaviour = new NodeBehaviour();
        foreach (var node in bridge.Devnet.Control.NodeAddresses)
        {
            bridge.Devnet.Control.SlashNode(node);
        }
        await bridge.StartBridgeAsync();
        var task = await bridge.Service<global::Crynux.Bridge.Engine.TaskSubmitter>().WaitAsync(id, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(ClientTaskStatus.Failed, task.Status);
        Assert.Equal(1, bridge.CountLedger("TaskPayment"));
        Assert.Single(bridge.Devnet.Control.GetTasks());
    }

    [Fact]
    public async Task A_bridge_stopped_before_its_first_relay_call_creates_the_task_once_after_restart()
    {
        await using var bridge = await TestBridge.StartAsync();
        bridge.Devnet.Control.FailNextRequests(1000);
        using var response = await bridge.PostAsync("v1/inference_tasks", SdTask(1));
        var id = (await TestBridge.JsonAsync(response)).GetProperty("data").GetProperty("id").GetInt64();
        await bridge.StopBridgeAsync();
        bridge.Devnet.Control.Faults = new FaultOptions();
        await bridge.StartBridgeAsync();
        var task = await bridge.Service<global::Crynux.Bridge.Engine.TaskSubmitter>().WaitAsync(id, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        Assert.Equal(1, bridge.CountLedger("TaskPayment"));
    }
}
