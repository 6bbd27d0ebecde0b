using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;
using Crynux.Devnet.Relay;
using static Crynux.Bridge.Tests.Support.TestTasks;

namespace Crynux.Bridge.Tests.Engine;

/// <summary>Relay deadlines, a Relay that forgot a task, and instances sharing a database.</summary>
public sealed class DeadlineAndTakeoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_execution_timeout_fails_the_task_with_a_refund()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o =>
        {
            o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true };
            o.MaxExecutionTimeoutSeconds = 100;
            o.MinExecutionTimeoutSeconds = 100;
        });
        var id = await bridge.SubmitRawAsync(LlmTask());
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.Status == RelayTaskStatus.Started));
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(101));
        bridge.Devnet.Control.RunDueTimers();
        var task = await bridge.WaitAsync(id);
        Assert.Equal(ClientTaskStatus.Failed, task.Status);
        Assert.StartsWith("timeout", task.Error, StringComparison.Ordinal);
        Assert.Equal(1, bridge.CountLedger("TaskRefund"));
    }

    [Fact]
    public async Task A_result_upload_timeout_fails_the_task_with_a_refund()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverUpload = true });
        var id = await bridge.SubmitRawAsync(SdTask(1));
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.Status == RelayTaskStatus.Validated));
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(101));
        bridge.Devnet.Control.RunDueTimers();
        var task = await bridge.WaitAsync(id);
        Assert.Equal(ClientTaskStatus.Failed, task.Status);
        Assert.Contains("upload", task.Error, StringComparison.Ordinal);
        Assert.Equal(1, bridge.CountLedger("TaskRefund"));
    }

    [Fact]
    public async Task A_bridge_away_past_the_validation_deadline_learns_the_relay_paid_the_node()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour
        {
            MinExecutionDelay = TimeSpan.FromSeconds(10),
            MaxExecutionDelay = TimeSpan.FromSeconds(10),
        });
        var id = await bridge.SubmitRawAsync(LlmTask());
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.Status == RelayTaskStatus.Started));
        await bridge.StopBridgeAsync();
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.Status == RelayTaskStatus.ScoreReady));
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(101));
        bridge.Devnet.Control.RunDueTimers();

        await bridge.StartBridgeAsync();
        var task = await bridge.WaitAsync(id);
        Assert.Equal(ClientTaskStatus.Failed, task.Status);
        Assert.Contains("not validated in time", task.Error, StringComparison.Ordinal);
        Assert.Equal(0, bridge.CountLedger("TaskRefund"));
        Assert.Single(bridge.Devnet.Control.GetTasks());
    }

    [Fact]
    public async Task A_bridge_away_while_the_score_came_in_validates_and_downloads_after_restart()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour
        {
            MinExecutionDelay = TimeSpan.FromSeconds(10),
            MaxExecutionDelay = TimeSpan.FromSeconds(10),
        });
        var id = await bridge.SubmitRawAsync(SdTask(2));
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.Status == RelayTaskStatus.Started));
        await bridge.StopBridgeAsync();
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.Status == RelayTaskStatus.ScoreReady));

        await bridge.StartBridgeAsync();
        var task = await bridge.WaitAsync(id);
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        Assert.Equal(1, bridge.CountLedger("TaskPayment"));
        Assert.Single(bridge.Devnet.Control.GetTasks());
    }

    [Fact]
    public async Task A_task_the_relay_no_longer_knows_is_aborted_locally()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        var id = await bridge.SubmitRawAsync(LlmTask());
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Any(t => t.Status == RelayTaskStatus.Started));
        // Stop only once the bridge has recorded the create's answer: a create still in flight at the stop is (rightly)
        // sent again after the restart, and the fresh Relay would then simply accept it.
        var store = bridge.Service<global::Crynux.Bridge.Data.TaskStore>();
        await WaitUntilAsync(() => store.GetMembersAsync(id, Ct).GetAwaiter().GetResult().All(m => m.Stage >= 1));
        await bridge.StopBridgeAsync();

        // The bridge comes back to a Relay that has no record of the task (history retention, or a reset).
        await using var fresh = await DevnetHost.StartAsync(new DevnetOptions { MatchingInterval = TimeSpan.Zero }, Ct);
        fresh.Control.Fund(bridge.Wallet.Address, 1000 * TestBridge.Cnx);
        bridge.Options.Relay.BaseUrl = fresh.BaseUrl.ToString();
        await bridge.StartBridgeAsync();
        var task = await bridge.WaitAsync(id);
        Assert.Equal(ClientTaskStatus.Failed, task.Status);
        Assert.StartsWith("relay_not_found", task.Error, StringComparison.Ordinal);
        Assert.Empty(fresh.Control.GetTasks());
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public async Task A_second_instance_takes_over_the_tasks_of_one_that_stopped(int protocol)
    {
        // Creates still in flight at the stop are sent again by the second instance ("Task already uploaded" on 2025,
        // already_exists in a batch on 2026) and learned from the Relay, not taken for fresh tasks.
        await using var bridge = await TestBridge.StartAsync("mysql", devnet: o =>
        {
            o.Protocol = protocol;
            o.DefaultNodeBehaviour = new NodeBehaviour { MinExecutionDelay = TimeSpan.FromSeconds(5), MaxExecutionDelay = TimeSpan.FromSeconds(5) };
        });
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await bridge.SubmitRawAsync(LlmTask($"task {i}")));
        }
        await WaitUntilAsync(() => bridge.Devnet.Control.GetTasks().Count(t => t.Status == RelayTaskStatus.Started) == 3);
        await bridge.StopBridgeAsync();
        var (second, _) = await bridge.StartSecondInstanceAsync("test-b");
        await using (second)
        {
            bridge.DevnetTime.Advance(TimeSpan.FromSeconds(5));
            foreach (var id in ids)
            {
                Assert.Equal(ClientTaskStatus.Success, (await bridge.WaitAsync(id, instance: second.Services)).Status);
            }
            await second.StopAsync(Ct);
        }
        Assert.Equal(3, bridge.CountLedger("TaskPayment"));
    }

    [Fact]
    public async Task Two_instances_on_one_mariadb_finish_200_tasks_each_processed_by_exactly_one_instance()
    {
        await using var bridge = await TestBridge.StartAsync("mysql");
        // No validation groups here (they have their own tests): with four nodes, two groups at once can hold every node
        // while their members wait in the queue, a deadlock only the Relay's validation deadline ends.
        // (The first DefaultUnselectedSeeds of these are queued by TestBridge already.)
        foreach (var seed in TestBridge.SeedsNotSelected(bridge.Wallet).Skip(TestBridge.DefaultUnselectedSeeds).Take(200 - TestBridge.DefaultUnselectedSeeds))
        {
            bridge.Devnet.Control.EnqueueSamplingSeed(seed);
        }
        var (second, secondUrl) = await bridge.StartSecondInstanceAsync("test-b");
        await using (second)
        {
            var submissions = Enumerable.Range(0, 200).Select(i => bridge.SubmitRawAsync(i % 2 == 0 ? LlmTask($"n{i}") : SdTask(1), i % 2 == 0 ? null : secondUrl));
            var ids = await Task.WhenAll(submissions);
            var store = bridge.Service<TaskStore>();
            var deadline = DateTime.UtcNow.AddSeconds(120);
            foreach (var id in ids)
            {
                ClientTaskRow? row;
                while ((row = await store.GetClientTaskAsync(id, Ct))!.Status == ClientTaskStatus.Running)
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        var stuck = await store.GetMembersAsync(id, Ct);
                        Assert.Fail($"client task {id} ({row.LeaseOwner}) did not finish: " + string.Join("; ", stuck.Select(m =>
                            $"{m.Id} {m.State} by {m.CreatedBy} relay {bridge.Devnet.Control.GetTask(m.TaskIdCommitment)?.Status} err {m.LastError}")));
                    }
                    await Task.Delay(50, Ct);
                }
                Assert.Equal(ClientTaskStatus.Success, row.Status);
                var members = await store.GetMembersAsync(id, Ct);
                // Every Relay task of a client task was created by the instance that admitted it, and by no other.
                Assert.Single(members.Select(m => m.CreatedBy).Distinct());
            }
            // One read at a time: 200 at once can exhaust a shared MariaDB's connections (seen as a connect timeout).
            var commitments = new List<string>();
            foreach (var id in ids)
            {
                commitments.AddRange((await store.GetMembersAsync(id, Ct)).Select(m => m.TaskIdCommitment));
            }
            Assert.Equal(commitments.Count, commitments.Distinct().Count());
            Assert.Equal(commitments.Count, bridge.Devnet.Control.GetTasks().Count);
            Assert.Equal(commitments.Count, bridge.CountLedger("TaskPayment"));
            await second.StopAsync(Ct);
        }
    }
}
