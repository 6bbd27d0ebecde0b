using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Bridge.Tests.Engine;

/// <summary>The whole bridge (every hosted service) on a fake clock: a lost create answer waits out its back-off on that clock.</summary>
public sealed class FakeClockBridgeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_lost_create_answer_is_learned_by_a_get_only_after_the_back_off_on_the_bridges_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var recorder = new RelayCallRecorder(clock);
        // The single create and GET (a 2025 Relay); a 2026 Relay's lost batch create is in Relay2026/BatchRouteTests.
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Protocol = 2025, start: false);
        bridge.BridgeTime = clock;
        bridge.RelayHandler = recorder;
        await bridge.StartBridgeAsync();
        bridge.Devnet.Control.AddFault(new FaultRule { Route = "create", Kind = FaultKind.Status, StatusCode = 502, Count = 1 });
        var key = await bridge.CreateKeyAsync("0x" + new string('4', 40), "chat,image", 0, 0);
        using var response = await bridge.PostAsync("v1/inference_tasks", TestTasks.LlmTask(), key);
        var id = (await TestBridge.JsonAsync(response)).GetProperty("data").GetProperty("id").GetInt64();
        var store = bridge.Service<TaskStore>();

        // The create reached the Relay, its answer was lost: the row says so, and nothing more is asked while the clock stands.
        InferenceTaskRow member = null!;
        await TestTasks.WaitUntilAsync(() => (member = store.GetMembersAsync(id, Ct).GetAwaiter().GetResult()[0]).IsOutcomeUnknown);
        var created = recorder.Calls.Single(c => c.Method == "POST" && c.Path.StartsWith("/v1/inference_tasks/0x", StringComparison.Ordinal));
        Assert.DoesNotContain(recorder.Calls, c => c.Method == "GET" && c.Path == "/v1/inference_tasks/" + member.TaskIdCommitment);

        // Move the bridge's clock in small steps until the task is done: the GET comes after the back-off, never before.
        var wait = bridge.WaitAsync(id, seconds: 60);
        for (var i = 0; i < 3000 && !wait.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(wait, Task.Delay(5, Ct));
        }
        var task = await wait;
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        var learned = recorder.Calls.First(c => c.Method == "GET" && c.Path == "/v1/inference_tasks/" + member.TaskIdCommitment);
        Assert.True(learned.At - created.At >= TaskPacerBackOffFloor, $"the GET came {learned.At - created.At} after the lost create");
        Assert.Single(bridge.Devnet.Control.GetTasks());
        Assert.Equal(1, bridge.CountLedger("TaskPayment"));
    }

    /// <summary>The shortest first back-off (1 s less its 25 % jitter).</summary>
    private static readonly TimeSpan TaskPacerBackOffFloor = TimeSpan.FromMilliseconds(750);
}
