using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Relay;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;

namespace Crynux.Bridge.Tests.Relay2026;

/// <summary>
/// The engine on a 2026 Relay takes creates, validations, status reads and cancels in batches gathered across tasks;
/// one item's failure fails only its task; a lost batch answer is learned with a batch status before anything else, and
/// never costs a second task or fee. A 2025 Relay gets the single routes, as before.
/// </summary>
public sealed class BatchRouteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static bool IsSingleCreate((string Method, string Path, DateTimeOffset At) c) =>
        c.Method == "POST" && c.Path.StartsWith("/v1/inference_tasks/0x", StringComparison.Ordinal) && !c.Path.EndsWith("/abort_reason", StringComparison.Ordinal);

    private static bool IsTaskGet((string Method, string Path, DateTimeOffset At) c) =>
        c.Method == "GET" && c.Path.StartsWith("/v1/inference_tasks/0x", StringComparison.Ordinal) && !c.Path.Contains("/results", StringComparison.Ordinal);

    private static async Task<ClientTaskRow[]> RunAllAsync(TestBridge bridge, IEnumerable<object> tasks)
    {
        var ids = new List<long>();
        foreach (var task in tasks)
        {
            ids.Add(await bridge.SubmitRawAsync(task));
        }
        return await Task.WhenAll(ids.Select(id => bridge.WaitAsync(id, seconds: 120)));
    }

    [Fact]
    public async Task Concurrent_tasks_are_created_and_validated_in_batches_and_a_resync_of_all_is_batch_status_reads()
    {
        using var recorder = new RelayCallRecorder();
        await using var bridge = await TestBridge.StartAsync(devnet: o =>
        {
            o.Protocol = 2026;
            o.Nodes.Clear();
            for (var i = 0; i < 16; i++)
            {
                o.Nodes.Add(new NodeOptions()); // a node for each of the 12 tasks left running below
            }
        }, relayHandler: recorder);
        // The first batch request is held a little (the network's latency), so that the next calls gather behind it.
        bridge.Devnet.Control.AddFault(new FaultRule { Route = "batch", Kind = FaultKind.Delay, DelayMs = 300, Count = 2 });
        var done = await RunAllAsync(bridge, Enumerable.Range(0, 12).Select(i => TestTasks.LlmTask($"batch {i}")));
        Assert.All(done, t => Assert.Equal(ClientTaskStatus.Success, t.Status));
        Assert.Equal(12, bridge.CountLedger("TaskPayment"));
        var calls = recorder.Calls;
        Assert.DoesNotContain(calls, IsSingleCreate);
        Assert.DoesNotContain(calls, c => c.Path == "/v1/inference_tasks/validate");
        var batches = recorder.Batches;
        Assert.Equal(12, batches.Where(b => b.Path.EndsWith("/batch", StringComparison.Ordinal)).Sum(b => b.Items));
        Assert.Equal(12, batches.Where(b => b.Path.EndsWith("/batch/validate", StringComparison.Ordinal)).Sum(b => b.Items));
        Assert.True(batches.Count(b => b.Path.EndsWith("/batch", StringComparison.Ordinal)) < 12, string.Join(", ", batches));

        // Tasks that stay running, then a resync of every open task (as after a restart, a takeover or a Relay reset).
        bridge.Devnet.Control.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true };
        var open = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            open.Add(await bridge.SubmitRawAsync(TestTasks.LlmTask($"running {i}")));
        }
        await TestTasks.WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Count(t => t.Status == Crynux.Devnet.Relay.RelayTaskStatus.Started) == 12);
        var before = recorder.Calls.Count;
        var statusBefore = recorder.Batches.Where(b => b.Path.EndsWith("/batch/status", StringComparison.Ordinal) && b.Items > 0).Sum(b => b.Items);
        bridge.Devnet.Control.AddFault(new FaultRule { Route = "batch", Kind = FaultKind.Delay, DelayMs = 300, Count = 1 });
        var openTasks = bridge.Service<OpenTasks>();
        foreach (var id in open)
        {
            openTasks.RequestSync(id);
            bridge.Service<IEngineScheduler>().Drive(id);
        }
        await TestTasks.WaitUntilAsync(() =>
            recorder.Batches.Where(b => b.Path.EndsWith("/batch/status", StringComparison.Ordinal) && b.Items > 0).Sum(b => b.Items) - statusBefore >= 12);
        var resync = recorder.Calls.Skip(before).ToList();
        Assert.DoesNotContain(resync, IsTaskGet);
        Assert.True(resync.Count(c => c.Path == "/v1/inference_tasks/batch/status") < 12, string.Join(", ", resync.Select(c => c.Path)));
    }

    [Fact]
    public async Task One_items_permanent_error_fails_only_its_task()
    {
        using var recorder = new RelayCallRecorder();
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Protocol = 2026, relayHandler: recorder);
        await bridge.Service<RelayClient>().HasBatchAsync(Ct);
        bridge.Devnet.Control.AddFault(new FaultRule { Route = "batch", Kind = FaultKind.Delay, DelayMs = 300, Count = 1 });
        var unknownModel = new
        {
            task_type = 1,
            task_args = """{"model":"nobody/no-such-model","messages":[{"role":"user","content":"hi"}],"generation_config":{"max_new_tokens":20,"num_return_sequences":1},"seed":3,"dtype":"bfloat16"}""",
        };
        var tasks = Enumerable.Range(0, 6).Select(i => i == 3 ? unknownModel : TestTasks.LlmTask($"partial {i}"));
        var done = await RunAllAsync(bridge, tasks);

        Assert.Equal(ClientTaskStatus.Failed, done[3].Status);
        Assert.StartsWith("model_not_found", done[3].Error, StringComparison.Ordinal);
        Assert.All(done.Where((_, i) => i != 3), t => Assert.Equal(ClientTaskStatus.Success, t.Status));
        Assert.Equal(5, bridge.Devnet.Control.GetTasks().Count);
        Assert.Equal(5, bridge.CountLedger("TaskPayment"));
        Assert.DoesNotContain(recorder.Calls, IsSingleCreate);
        Assert.True(recorder.Batches.Any(b => b.Path.EndsWith("/batch", StringComparison.Ordinal) && b.Items > 1), "no create batch held more than one task");
    }

    [Theory]
    [InlineData(FaultKind.Status)]
    [InlineData(FaultKind.Reset)]
    [InlineData(FaultKind.Truncate)]
    public async Task A_lost_batch_create_answer_is_learned_by_batch_status_without_a_second_task_or_fee(FaultKind fault)
    {
        using var recorder = new RelayCallRecorder();
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Protocol = 2026, relayHandler: recorder);
        await bridge.Service<RelayClient>().HasBatchAsync(Ct); // the probe first, so that the fault hits the create
        bridge.Devnet.Control.AddFault(new FaultRule { Route = "batch", Kind = fault, Timing = FaultTiming.AfterHandling, Count = 1 });
        var task = await bridge.RunRawAsync(TestTasks.LlmTask("lost create"));

        Assert.Equal(ClientTaskStatus.Success, task.Status);
        Assert.Equal(1, bridge.Devnet.Control.FaultHits);
        Assert.Single(bridge.Devnet.Control.GetTasks());
        Assert.Equal(1, bridge.CountLedger("TaskPayment"));
        var paths = recorder.Calls.Where(c => c.Path.Contains("/batch", StringComparison.Ordinal)).Select(c => c.Path).ToList();
        // probe, the lost create, then the status read that learned it, and only then the next step (validate).
        Assert.Equal(["/v1/inference_tasks/batch/status", "/v1/inference_tasks/batch", "/v1/inference_tasks/batch/status", "/v1/inference_tasks/batch/validate"], paths);
        Assert.DoesNotContain(recorder.Calls, IsTaskGet);
        var member = Assert.Single(await bridge.Service<TaskStore>().GetMembersAsync(task.Id, Ct));
        Assert.Equal(0, member.OutcomeUnknown);
    }

    /// <summary>
    /// Hands Relay calls on until the first batch create: that one reaches the Relay, and neither its answer nor any later
    /// call gets through (a bridge frozen, then killed, just after sending it).
    /// </summary>
    private sealed class FreezeAfterFirstBatchCreate() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _frozen;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _frozen) == 1)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            var response = await base.SendAsync(request, cancellationToken);
            if ((request.RequestUri!.AbsolutePath == "/v1/inference_tasks/batch" && Interlocked.Exchange(ref _frozen, 1) == 0) || Volatile.Read(ref _frozen) == 1)
            {
                // (Also an answer that was on its way back when the freeze came, such as an event poll seeing the task start.)
                response.Dispose();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return response;
        }
    }

    [Fact]
    public async Task A_create_sent_again_after_a_restart_learns_where_the_relay_task_already_is()
    {
        // The bridge stops while its create is in flight: the Relay stored the task (queued: no node yet), the bridge never
        // heard. Then a node joins and the task runs and is scored while no bridge watches. After the restart the create
        // goes again and is answered already_exists with the task scored: the bridge must ask where it is (no sweep here).
        using var freeze = new FreezeAfterFirstBatchCreate();
        await using var bridge = await TestBridge.StartAsync(devnet: o =>
        {
            o.Protocol = 2026;
            o.Nodes.Clear();
            o.DefaultNodeBehaviour = new NodeBehaviour { MinExecutionDelay = TimeSpan.FromSeconds(10), MaxExecutionDelay = TimeSpan.FromSeconds(10) };
        }, configure: o => o.Relay.ReconcileIntervalSeconds = 3600, relayHandler: freeze);
        var id = await bridge.SubmitRawAsync(TestTasks.LlmTask("created while the bridge went away"));
        await TestTasks.WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Count == 1);
        await bridge.StopBridgeAsync();
        bridge.Devnet.Control.AddNode(new NodeOptions());
        await TestTasks.WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.Status == Crynux.Devnet.Relay.RelayTaskStatus.Started));
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(10));
        await TestTasks.WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.Status == Crynux.Devnet.Relay.RelayTaskStatus.ScoreReady));

        using var recorder = new RelayCallRecorder();
        bridge.RelayHandler = recorder;
        await bridge.StartBridgeAsync();
        var task = await bridge.WaitAsync(id);
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        Assert.Contains(recorder.Batches, b => b.Path == "/v1/inference_tasks/batch"); // sent again: answered already_exists
        Assert.Single(bridge.Devnet.Control.GetTasks());
        Assert.Equal(1, bridge.CountLedger("TaskPayment"));
    }

    /// <summary>Hands every Relay call on, and loses the answer of the first batch validate after the Relay acted on it.</summary>
    private sealed class LoseFirstBatchValidateAnswer() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _lost;

        public List<string> Paths { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            lock (Paths)
            {
                Paths.Add(path);
            }
            var response = await base.SendAsync(request, cancellationToken);
            if (path.EndsWith("/batch/validate", StringComparison.Ordinal) && Interlocked.Exchange(ref _lost, 1) == 0)
            {
                response.Dispose();
                throw new HttpRequestException("the connection was reset after the Relay answered");
            }
            return response;
        }
    }

    [Fact]
    public async Task A_lost_batch_validate_answer_is_learned_and_the_group_settles_once()
    {
        using var handler = new LoseFirstBatchValidateAnswer();
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Protocol = 2026, unselectedSeeds: false, relayHandler: handler);
        bridge.Devnet.Control.EnqueueSamplingSeed(TestTasks.SelectedSeed(bridge.Wallet));
        var task = await bridge.RunRawAsync(TestTasks.SdTask(1));

        Assert.Equal(ClientTaskStatus.Success, task.Status);
        Assert.Equal(3, bridge.Devnet.Control.GetTasks().Count);
        Assert.Equal(3, bridge.CountLedger("TaskPayment"));
        Assert.Equal(2, bridge.CountLedger("TaskRefund"));
        var members = await bridge.Service<TaskStore>().GetMembersAsync(task.Id, Ct);
        Assert.All(members, m => Assert.Equal(0, m.OutcomeUnknown));
        // Validated once: the lost answer is never taken for a refusal or resent; what was unknown is learned by batch status.
        var paths = handler.Paths.ToList();
        Assert.Single(paths, p => p == "/v1/inference_tasks/batch/validate");
        Assert.DoesNotContain("/v1/inference_tasks/validate", paths);
        Assert.DoesNotContain(paths, p => System.Text.RegularExpressions.Regex.IsMatch(p, "^/v1/inference_tasks/0x[0-9a-f]{64}$"));
    }

    /// <summary>Before the first batch status about a started task is sent, that task's node re-joins with other cards.</summary>
    private sealed class NodeRejoinsBeforeStatus(Func<DevnetControl> devnet) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _done;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/batch/status", StringComparison.Ordinal) && request.Content is not null
                && !(await request.Content.ReadAsStringAsync(cancellationToken)).Contains("\"0x00\"", StringComparison.Ordinal)
                && devnet().GetTasks().FirstOrDefault(t => t.SelectedNode.Length > 0) is { } started && Interlocked.Exchange(ref _done, 1) == 0)
            {
                devnet().SetNodeGpu(started.SelectedNode, "NVIDIA A100+Linux", 40);
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task Llm_validation_copies_run_on_the_gpu_the_original_started_on_not_the_nodes_record_now()
    {
        DevnetControl? control = null;
        using var handler = new NodeRejoinsBeforeStatus(() => control!);
        await using var bridge = await TestBridge.StartAsync(devnet: o =>
        {
            o.Protocol = 2026;
            o.Nodes.Clear();
            for (var i = 0; i < 4; i++)
            {
                o.Nodes.Add(new NodeOptions { GpuCount = 2 }); // "2x NVIDIA GeForce RTX 4090 TP+Linux", 48 GB
            }
        }, unselectedSeeds: false, start: false);
        control = bridge.Devnet.Control;
        bridge.RelayHandler = handler;
        await bridge.StartBridgeAsync();
        var key = await bridge.CreateKeyAsync("0x" + new string('1', 40), "chat,image", useLimit: 0, rateLimit: 0);
        bridge.Devnet.Control.EnqueueSamplingSeed(TestTasks.SelectedSeed(bridge.Wallet));
        using var submitted = await bridge.PostAsync("v1/inference_tasks", TestTasks.LlmTask("pinned"), key);
        var id = (await TestBridge.JsonAsync(submitted)).GetProperty("data").GetProperty("id").GetInt64();
        var task = await bridge.WaitAsync(id, seconds: 120);

        Assert.Equal(ClientTaskStatus.Success, task.Status);
        var members = await bridge.Service<TaskStore>().GetMembersAsync(task.Id, Ct);
        Assert.Equal(3, members.Count);
        var original = bridge.Devnet.Control.GetTasks().Single(t => t.TaskIdCommitment == members[0].TaskIdCommitment);
        Assert.Equal("2x NVIDIA GeForce RTX 4090 TP+Linux", original.ExecutionGpu);
        Assert.Equal("NVIDIA A100+Linux", bridge.Devnet.Control.GetNode(original.SelectedNode)!.GpuName); // the record moved on
        Assert.All(members.Skip(1), m => Assert.Equal(("2x NVIDIA GeForce RTX 4090 TP+Linux", 48L), (m.RequiredGpu, m.RequiredGpuVram)));
    }

    [Fact]
    public async Task A_2025_relay_gets_the_single_routes_and_only_the_batch_probe()
    {
        using var recorder = new RelayCallRecorder();
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Protocol = 2025, unselectedSeeds: false, relayHandler: recorder);
        bridge.Devnet.Control.EnqueueSamplingSeed(TestTasks.SelectedSeed(bridge.Wallet));
        var group = await bridge.RunRawAsync(TestTasks.SdTask(1));
        var single = await bridge.RunRawAsync(TestTasks.LlmTask("old relay"));

        Assert.Equal(ClientTaskStatus.Success, group.Status);
        Assert.Equal(ClientTaskStatus.Success, single.Status);
        var batch = recorder.Calls.Where(c => c.Path.Contains("/batch", StringComparison.Ordinal)).ToList();
        Assert.Equal(["/v1/inference_tasks/batch/status"], batch.Select(c => c.Path)); // the probe, remembered
        Assert.Equal(0, Assert.Single(recorder.Batches).Items);
        Assert.Equal(4, recorder.Calls.Count(IsSingleCreate));
        Assert.Equal(2, recorder.Calls.Count(c => c.Path == "/v1/inference_tasks/validate"));
    }
}
