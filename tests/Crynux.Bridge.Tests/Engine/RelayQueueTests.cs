using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;
using static Crynux.Bridge.Tests.Support.TestTasks;

namespace Crynux.Bridge.Tests.Engine;

/// <summary>engine.relay_queue_limit: a burst waits in the bridge, not in the Relay's queue, and leaves in admission order.</summary>
public sealed class RelayQueueTests
{
    [Fact]
    public void The_gate_admits_up_to_the_limit_per_kind_then_wakes_waiters_oldest_first()
    {
        var gate = new RelayQueueGate(2);
        Assert.True(gate.TryEnter("a", "llm", 1, bypass: false, out _));
        Assert.True(gate.TryEnter("b", "llm", 2, bypass: false, out _));
        Assert.False(gate.TryEnter("d", "llm", 4, bypass: false, out var wake));
        Assert.Null(wake);
        Assert.False(gate.TryEnter("c", "llm", 3, bypass: false, out _));
        Assert.True(gate.TryEnter("x", "sd", 9, bypass: false, out _)); // another kind is not held up
        Assert.True(gate.TryEnter("v", "llm", 1, bypass: true, out _)); // validation members always pass
        Assert.Equal(2, gate.Waiting);

        Assert.Null(gate.Left("v"));
        Assert.Equal(3, gate.Left("a")); // the oldest waiter, not the first to ask
        Assert.True(gate.TryEnter("c", "llm", 3, bypass: false, out _));
        // Task 4 is woken; a newcomer asking before 4 comes back may slip in, but 4 then waits at the head of the line.
        Assert.Equal(4, gate.Left("b"));
        Assert.True(gate.TryEnter("e", "llm", 5, bypass: false, out _));
        Assert.False(gate.TryEnter("d", "llm", 4, bypass: false, out _));
        Assert.False(gate.TryEnter("f", "llm", 6, bypass: false, out _));
        Assert.Equal(4, gate.Left("c"));
        Assert.True(gate.TryEnter("d", "llm", 4, bypass: false, out _));
        Assert.Equal(6, gate.ReleaseClientTask(5).Single());
        Assert.True(gate.TryEnter("f", "llm", 6, bypass: false, out _));
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task A_burst_beyond_the_limit_waits_in_the_bridge_and_all_of_it_runs_once_nodes_come()
    {
        await using var bridge = await TestBridge.StartAsync(
            devnet: o => o.Nodes.Clear(),
            configure: o => o.Engine.RelayQueueLimit = 2);
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await bridge.SubmitRawAsync(LlmTask($"burst {i}")));
        }
        var gate = bridge.Service<RelayQueueGate>();
        await WaitUntilAsync(() => gate.Waiting == 3 && bridge.Devnet.Control.GetTasks().Count == 2);
        Assert.Equal(2, gate.Queued);

        bridge.Devnet.Control.AddNode(new NodeOptions());
        bridge.Devnet.Control.AddNode(new NodeOptions());
        bridge.Devnet.Control.AddNode(new NodeOptions());
        foreach (var id in ids)
        {
            Assert.Equal(ClientTaskStatus.Success, (await bridge.WaitAsync(id)).Status);
        }
        Assert.Equal(0, gate.Waiting);
        Assert.Equal(0, gate.Queued);
    }
}
