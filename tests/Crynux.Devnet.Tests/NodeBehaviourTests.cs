using System.Net;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

public class NodeBehaviourTests
{
    [Fact]
    public async Task Execution_delay_runs_on_the_injected_clock()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour
        {
            MinExecutionDelay = TimeSpan.FromSeconds(10),
            MaxExecutionDelay = TimeSpan.FromSeconds(10),
        });
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.Started);
        // The node sleeps until start_time + 10 s on the fake clock: nothing moves until time does.
        devnet.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(RelayTaskStatus.Started, devnet.Control.GetTask(spec.Commitment)!.Status);
        devnet.Time.Advance(TimeSpan.FromSeconds(1));
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        Assert.Equal(TimeSpan.FromSeconds(10), task.ScoreReadyTime - task.StartTime);
    }

    [Fact]
    public async Task Behaviour_can_change_per_node_at_run_time()
    {
        await using var devnet = await TestDevnet.StartAsync(o =>
        {
            o.Nodes.Clear();
            o.Nodes.Add(new NodeOptions());
        });
        var node = devnet.Control.NodeAddresses[0];
        Assert.True(devnet.Control.SetNodeBehaviour(node, new NodeBehaviour { ErrorRate = 1 }));
        var failing = await devnet.CreateAsync(TaskSpec.Sd());
        await devnet.WaitAsync(failing.Commitment, RelayTaskStatus.ErrorReported);
        devnet.Time.Advance(TimeSpan.FromSeconds(101));
        devnet.Control.RunDueTimers();
        Assert.True(devnet.Control.SetNodeBehaviour(node, null));
        var fine = await devnet.CreateAsync(TaskSpec.Sd());
        await devnet.WaitAsync(fine.Commitment, RelayTaskStatus.ScoreReady);
        Assert.False(devnet.Control.SetNodeBehaviour("0xnope", null));
    }

    [Fact]
    public async Task Many_tasks_on_few_nodes_all_complete()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var seed = TestDevnet.FindSeed(devnet.Creator.Key, selected: false);
        var specs = new List<TaskSpec>();
        for (var i = 0; i < 12; i++)
        {
            devnet.Control.EnqueueSamplingSeed(seed);
            specs.Add(await devnet.CreateAsync(i % 2 == 0 ? TaskSpec.Llm("question " + i) : TaskSpec.Sd("picture " + i)));
        }
        // Nodes stay busy until their task ends, so validate whichever task is ready next, as a bridge would.
        var pending = specs.ToList();
        while (pending.Count > 0)
        {
            var ready = await Task.WhenAny(pending.Select(s => devnet.WaitAsync(s.Commitment, RelayTaskStatus.ScoreReady)));
            var spec = pending.Single(s => s.Commitment == ready.Result.TaskIdCommitment);
            pending.Remove(spec);
            Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, seed)).Status);
        }
        foreach (var spec in specs)
        {
            await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.EndSuccess);
        }
        var fees = specs.Aggregate(System.Numerics.BigInteger.Zero, (sum, s) => sum + s.TaskFee);
        Assert.Equal(TestDevnet.InitialFunds - fees, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(fees, devnet.Control.NodeAddresses.Aggregate(System.Numerics.BigInteger.Zero, (sum, n) => sum + devnet.Control.GetBalance(n)));
        Assert.Equal(0, devnet.Control.NodeFailedCalls);
    }

    [Fact]
    public async Task Impossible_options_are_refused_before_starting()
    {
        var options = new DevnetOptions { MatchingInterval = TimeSpan.FromSeconds(-1) };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DevnetHost.StartAsync(options, TestContext.Current.CancellationToken));
        Assert.Contains("MatchingInterval", error.Message);
        options = new DevnetOptions { DefaultNodeBehaviour = new NodeBehaviour { ErrorRate = 2 } };
        await Assert.ThrowsAsync<ArgumentException>(() => DevnetHost.StartAsync(options, TestContext.Current.CancellationToken));
    }
}
