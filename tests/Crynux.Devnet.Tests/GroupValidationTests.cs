using System.Net;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>Every outcome of docs/protocol.md §5.4, reached with a real VRF seed whose beta mod 100 == 0.</summary>
public class GroupValidationTests
{
    private static async Task<List<TaskSpec>> CreateGroupAsync(TestDevnet devnet, TaskSpec original)
    {
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: true));
        var group = new List<TaskSpec> { await devnet.CreateAsync(original) };
        group.Add(await devnet.CreateAsync(original.Sibling()));
        group.Add(await devnet.CreateAsync(original.Sibling()));
        return group;
    }

    private static Task<SigningClient.Reply> ValidateGroupAsync(TestDevnet devnet, List<TaskSpec> group) =>
        devnet.Creator.ValidateAsync([.. group.Select(g => g.Commitment)], group[0].TaskId,
            TestDevnet.SeedOf(devnet.Control.GetTask(group[0].Commitment)!));

    private static TaskSnapshot Task(TestDevnet devnet, TaskSpec spec) => devnet.Control.GetTask(spec.Commitment)!;

    [Fact]
    public async Task Three_matching_results_give_GroupValidated_and_EndGroupRefund_then_qos_weighted_payment()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var group = await CreateGroupAsync(devnet, TaskSpec.Sd());
        foreach (var spec in group)
        {
            await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        }
        var single = await devnet.Creator.ValidateAsync([group[0].Commitment], group[0].TaskId, TestDevnet.SeedOf(Task(devnet, group[0])));
        Assert.Equal("task is selected for validation", single.Message);

        var reply = await ValidateGroupAsync(devnet, group);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        // Equal execution times: ties go to the lower id, so the original wins.
        Assert.Equal(RelayTaskStatus.EndGroupRefund, Task(devnet, group[1]).Status);
        Assert.Equal(RelayTaskStatus.EndGroupRefund, Task(devnet, group[2]).Status);
        var fee = group[0].TaskFee;
        Assert.Equal(TestDevnet.InitialFunds - fee, devnet.Control.GetBalance(devnet.Creator.Address));

        var winner = await devnet.WaitAsync(group[0].Commitment, RelayTaskStatus.EndGroupSuccess);
        Assert.Equal([10UL, 5UL, 2UL], group.Select(g => Task(devnet, g).QosScore ?? 99));
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.ResultAsync(group[0].Commitment, 0)).Status);
        Assert.Equal(("task_id", "Task results not uploaded"), (await devnet.Creator.ResultAsync(group[1].Commitment, 0)).Validation);
        Assert.Equal(fee * 10 / 17, devnet.Control.GetBalance(winner.SelectedNode));
        Assert.Equal(fee * 5 / 17, devnet.Control.GetBalance(Task(devnet, group[1]).SelectedNode));
        Assert.Equal(fee - (fee * 10 / 17) - (fee * 5 / 17), devnet.Control.GetBalance(Task(devnet, group[2]).SelectedNode));
        Assert.Equal(TestDevnet.InitialFunds - fee, devnet.Control.GetBalance(devnet.Creator.Address));
    }

    [Fact]
    public async Task One_wrong_result_is_EndInvalidated_and_its_fee_is_kept()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.Nodes[2].Behaviour = new NodeBehaviour { WrongResults = true });
        var wrongNode = devnet.Control.NodeAddresses[2];
        var group = await CreateGroupAsync(devnet, TaskSpec.Llm());
        foreach (var spec in group)
        {
            await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        }
        Assert.Equal(HttpStatusCode.OK, (await ValidateGroupAsync(devnet, group)).Status);
        var statuses = group.Select(g => Task(devnet, g)).ToList();
        Assert.Equal(RelayTaskStatus.EndInvalidated, statuses.Single(t => t.SelectedNode == wrongNode).Status);
        // The winner's node uploads as soon as it is told, so it may already be EndGroupSuccess.
        Assert.Single(statuses, t => t.Status is RelayTaskStatus.GroupValidated or RelayTaskStatus.EndGroupSuccess);
        Assert.Single(statuses, t => t.Status == RelayTaskStatus.EndGroupRefund);
        var fee = group[0].TaskFee;
        // Paid 3, one refunded; the invalidated fee is neither refunded nor paid.
        Assert.Equal(TestDevnet.InitialFunds - (2 * fee), devnet.Control.GetBalance(devnet.Creator.Address));
        var winner = statuses.Single(t => t.Status is RelayTaskStatus.GroupValidated or RelayTaskStatus.EndGroupSuccess);
        await devnet.WaitAsync(winner.TaskIdCommitment, RelayTaskStatus.EndGroupSuccess);
        Assert.Equal(0, devnet.Control.GetBalance(wrongNode));
        Assert.Equal(TestDevnet.InitialFunds - (2 * fee), devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Contains(devnet.Control.GetEvents(), e => e.Type == "TaskEndInvalidated" && e.NodeAddress == wrongNode);
    }

    [Fact]
    public async Task Three_different_results_abort_all_with_IncorrectResult_and_refund()
    {
        await using var devnet = await TestDevnet.StartAsync(o =>
        {
            o.Nodes[1].Behaviour = new NodeBehaviour { WrongResults = true };
            o.Nodes[2].Behaviour = new NodeBehaviour { WrongResults = true };
        });
        var group = await CreateGroupAsync(devnet, TaskSpec.Sd());
        foreach (var spec in group)
        {
            await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        }
        Assert.Equal(HttpStatusCode.OK, (await ValidateGroupAsync(devnet, group)).Status);
        Assert.All(group, g => Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.IncorrectResult),
            (Task(devnet, g).Status, Task(devnet, g).AbortReason)));
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.All(devnet.Control.GetNodes(), n => Assert.Equal(NodeStatus.Available, n.Status));
    }

    [Fact]
    public async Task Only_one_finished_member_gives_GroupTimeout()
    {
        await using var devnet = await TestDevnet.StartAsync(o =>
        {
            o.AppValidationTimeout = TimeSpan.FromSeconds(1000);
            o.Nodes[1].Behaviour = new NodeBehaviour { NeverFinish = true };
            o.Nodes[2].Behaviour = new NodeBehaviour { NeverFinish = true };
        });
        var group = await CreateGroupAsync(devnet, TaskSpec.Sd());
        var finished = new List<TaskSnapshot>();
        foreach (var spec in group)
        {
            finished.Add(await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.Started, RelayTaskStatus.ScoreReady));
        }
        var honest = group.Single(g => devnet.Control.GetTask(g.Commitment)!.SelectedNode == devnet.Control.NodeAddresses[0]);
        await devnet.WaitAsync(honest.Commitment, RelayTaskStatus.ScoreReady);
        devnet.Time.Advance(TimeSpan.FromSeconds(101));
        Assert.Equal(2, devnet.Control.RunDueTimers().Aborted);

        Assert.Equal(HttpStatusCode.OK, (await ValidateGroupAsync(devnet, group)).Status);
        var task = Task(devnet, honest);
        Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.GroupTimeout), (task.Status, task.AbortReason));
        Assert.Equal(10UL, task.QosScore);
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
    }

    [Fact]
    public async Task Expired_member_blocks_group_validation_and_nodes_are_paid()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var group = await CreateGroupAsync(devnet, TaskSpec.Sd());
        foreach (var spec in group)
        {
            await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        }
        devnet.Time.Advance(TimeSpan.FromSeconds(101));
        Assert.Equal(3, devnet.Control.RunDueTimers().Aborted);
        var reply = await ValidateGroupAsync(devnet, group);
        Assert.Equal((HttpStatusCode.InternalServerError, "task group validation expired"), (reply.Status, reply.Message));
        var fee = group[0].TaskFee;
        Assert.Equal(TestDevnet.InitialFunds - (3 * fee), devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.All(devnet.Control.NodeAddresses, n => Assert.Equal(fee, devnet.Control.GetBalance(n)));
    }

    [Fact]
    public async Task Group_submit_with_an_unselected_seed_is_refused()
    {
        await using var devnet = await TestDevnet.StartAsync();
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var first = await devnet.CreateAsync(TaskSpec.Sd());
        List<TaskSpec> group = [first, await devnet.CreateAsync(first.Sibling()), await devnet.CreateAsync(first.Sibling())];
        foreach (var spec in group)
        {
            await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        }
        var reply = await ValidateGroupAsync(devnet, group);
        Assert.Equal((HttpStatusCode.InternalServerError, "task is not selected for validation"), (reply.Status, reply.Message));
        Assert.All(group, g => Assert.Equal(RelayTaskStatus.ScoreReady, Task(devnet, g).Status));
    }

    [Fact]
    public async Task Two_matching_finished_members_give_GroupValidated_and_EndGroupRefund_with_the_timed_out_one_at_qos_0()
    {
        await using var devnet = await TestDevnet.StartAsync(o =>
        {
            o.AppValidationTimeout = TimeSpan.FromSeconds(1000);
            o.Nodes[2].Behaviour = new NodeBehaviour { NeverFinish = true };
        });
        var group = await CreateGroupAsync(devnet, TaskSpec.Sd());
        var slowNode = devnet.Control.NodeAddresses[2];
        foreach (var spec in group)
        {
            await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.Started, RelayTaskStatus.ScoreReady);
        }
        foreach (var spec in group.Where(g => Task(devnet, g).SelectedNode != slowNode))
        {
            await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        }
        devnet.Time.Advance(TimeSpan.FromSeconds(101));
        Assert.Equal(1, devnet.Control.RunDueTimers().Aborted);

        Assert.Equal(HttpStatusCode.OK, (await ValidateGroupAsync(devnet, group)).Status);
        var slow = group.Select(g => Task(devnet, g)).Single(t => t.SelectedNode == slowNode);
        Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.Timeout, 0UL), (slow.Status, slow.AbortReason, slow.QosScore));
        var finished = group.Select(g => Task(devnet, g)).Where(t => t.SelectedNode != slowNode).OrderBy(t => t.Sequence).ToList();
        Assert.Equal(RelayTaskStatus.EndGroupRefund, finished[1].Status);
        await devnet.WaitAsync(finished[0].TaskIdCommitment, RelayTaskStatus.EndGroupSuccess);
        var fee = group[0].TaskFee;
        Assert.Equal(fee * 10 / 15, devnet.Control.GetBalance(finished[0].SelectedNode));
        Assert.Equal(fee - (fee * 10 / 15), devnet.Control.GetBalance(finished[1].SelectedNode));
        // Paid 3: one refunded as EndGroupRefund, one refunded by the timeout; one fee went to the nodes.
        Assert.Equal(TestDevnet.InitialFunds - fee, devnet.Control.GetBalance(devnet.Creator.Address));
    }

    [Fact]
    public async Task Three_error_reports_cannot_be_validated_as_a_group()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { ErrorRate = 1 });
        var group = await CreateGroupAsync(devnet, TaskSpec.Sd());
        foreach (var spec in group)
        {
            await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ErrorReported);
        }
        var reply = await ValidateGroupAsync(devnet, group);
        Assert.Equal((HttpStatusCode.InternalServerError, "illegal previous task status"), (reply.Status, reply.Message));
        Assert.All(group, g => Assert.Equal(RelayTaskStatus.ErrorReported, Task(devnet, g).Status));
        Assert.Equal(TestDevnet.InitialFunds - (3 * group[0].TaskFee), devnet.Control.GetBalance(devnet.Creator.Address));
    }
}
