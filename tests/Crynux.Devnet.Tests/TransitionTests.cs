using System.Net;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>Every row of docs/protocol.md §4.2, through HTTP, with balances and ledger checked after each.</summary>
public class TransitionTests
{
    private static readonly TimeSpan PastDeadline = TimeSpan.FromSeconds(101);

    [Fact]
    public async Task Create_queues_and_charges_without_an_event()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.Nodes.Clear());
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        var task = devnet.Control.GetTask(spec.Commitment)!;
        Assert.Equal(RelayTaskStatus.Queued, task.Status);
        Assert.Equal(TestDevnet.InitialFunds - spec.TaskFee, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(LedgerKind.TaskPayment, devnet.Control.GetLedger(devnet.Creator.Address)[^1].Kind);
        Assert.Empty(devnet.Control.GetEvents());
    }

    [Fact]
    public async Task Queued_to_started_marks_node_busy_and_emits_TaskStarted()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.Started);
        Assert.Equal(NodeStatus.Busy, devnet.Control.GetNode(task.SelectedNode)!.Status);
        Assert.Equal(100UL, task.Timeout);
        var started = Assert.Single(devnet.Control.GetEvents());
        Assert.Equal(("TaskStarted", task.SelectedNode), (started.Type, started.NodeAddress));
        Assert.Equal(task.SelectedNode, JsonNode.Parse(started.Args)!["selected_node"]!.GetValue<string>());
        Assert.Equal(TestDevnet.InitialFunds - spec.TaskFee, devnet.Control.GetBalance(devnet.Creator.Address));
    }

    [Fact]
    public async Task Creator_cancel_of_a_queued_task_refunds()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.Nodes.Clear());
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        Assert.Equal(("abort_reason", "Abort reason not allowed"), (await devnet.Creator.AbortAsync(spec.Commitment, 1)).Validation);
        Assert.Equal(("abort_reason", "required"), (await devnet.Creator.AbortAsync(spec.Commitment, 0)).Validation);
        var other = devnet.ClientFor(Crypto.EthKey.Generate());
        Assert.Equal(("signature", "Signer not allowed"), (await other.AbortAsync(spec.Commitment, 7)).Validation);

        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.AbortAsync(spec.Commitment, 7)).Status);
        var task = devnet.Control.GetTask(spec.Commitment)!;
        Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.CreatorCancelled), (task.Status, task.AbortReason));
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(LedgerKind.TaskRefund, devnet.Control.GetLedger(devnet.Creator.Address)[^1].Kind);
        var aborted = JsonNode.Parse(Assert.Single(devnet.Control.GetEvents()).Args)!;
        Assert.Equal(devnet.Creator.Address, aborted["abort_issuer"]!.GetValue<string>());
        Assert.Equal((0, 7), (aborted["last_status"]!.GetValue<int>(), aborted["abort_reason"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Cancel_after_start_is_refused()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.Started);
        Assert.Equal(("task_id_commitment", "Task can no longer be cancelled"), (await devnet.Creator.AbortAsync(spec.Commitment, 7)).Validation);
        Assert.Equal(TestDevnet.InitialFunds - spec.TaskFee, devnet.Control.GetBalance(devnet.Creator.Address));
    }

    [Fact]
    public async Task Queue_deadline_aborts_with_timeout_and_refunds()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.Nodes.Clear());
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        devnet.Time.Advance(TimeSpan.FromSeconds(99));
        Assert.Equal(0, devnet.Control.RunDueTimers().Aborted);
        devnet.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, devnet.Control.RunDueTimers().Aborted);
        var task = devnet.Control.GetTask(spec.Commitment)!;
        Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.Timeout), (task.Status, task.AbortReason));
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
        var evt = Assert.Single(devnet.Control.GetEvents());
        Assert.Equal(devnet.Control.RelayAddress, evt.NodeAddress);
    }

    [Fact]
    public async Task Node_error_report_then_single_validate_aborts_with_ErrorReported_and_refunds()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { ErrorRate = 1 });
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ErrorReported);
        Assert.Equal(1, task.TaskError);
        Assert.NotNull(task.ScoreReadyTime);
        Assert.Equal(1, JsonNode.Parse(devnet.Control.GetEvents()[^1].Args)!["task_error"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(task))).Status);
        task = devnet.Control.GetTask(spec.Commitment)!;
        Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.ErrorReported), (task.Status, task.AbortReason));
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(NodeStatus.Available, devnet.Control.GetNode(task.SelectedNode)!.Status);
        Assert.Equal(0, devnet.Control.GetBalance(task.SelectedNode));
    }

    [Fact]
    public async Task Execution_deadline_aborts_with_timeout_refunds_and_frees_the_node()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.Started);
        devnet.Time.Advance(PastDeadline);
        devnet.Control.RunDueTimers();
        task = devnet.Control.GetTask(spec.Commitment)!;
        Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.Timeout), (task.Status, task.AbortReason));
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(NodeStatus.Available, devnet.Control.GetNode(task.SelectedNode)!.Status);
        Assert.Equal(1, JsonNode.Parse(devnet.Control.GetEvents()[^1].Args)!["last_status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Creator_validation_timeout_pays_the_node_instead_of_refunding()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DaoFeeSharePercent = 10);
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        devnet.Time.Advance(PastDeadline);
        devnet.Control.RunDueTimers();
        task = devnet.Control.GetTask(spec.Commitment)!;
        Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.CreatorValidationTimeout), (task.Status, task.AbortReason));
        Assert.Equal(TestDevnet.InitialFunds - spec.TaskFee, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(spec.TaskFee * 9 / 10, devnet.Control.GetBalance(task.SelectedNode));
        Assert.Equal(spec.TaskFee / 10, devnet.Control.GetBalance("dao"));
        Assert.Equal(NodeStatus.Available, devnet.Control.GetNode(task.SelectedNode)!.Status);
    }

    [Fact]
    public async Task Result_upload_deadline_aborts_with_ResultUploadTimeout_and_refunds()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverUpload = true });
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var spec = await devnet.CreateAsync(TaskSpec.Llm());
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(task))).Status);
        Assert.Equal(RelayTaskStatus.Validated, devnet.Control.GetTask(spec.Commitment)!.Status);
        Assert.Equal(("task_id", "Task results not uploaded"), (await devnet.Creator.ResultAsync(spec.Commitment, 0)).Validation);
        devnet.Time.Advance(PastDeadline);
        devnet.Control.RunDueTimers();
        task = devnet.Control.GetTask(spec.Commitment)!;
        Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.ResultUploadTimeout), (task.Status, task.AbortReason));
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(0, devnet.Control.GetBalance(task.SelectedNode));
    }

    [Fact]
    public async Task Slashing_the_node_aborts_its_task_with_NodeSlashed_and_refunds()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.Started);
        Assert.True(devnet.Control.SlashNode(task.SelectedNode));
        task = devnet.Control.GetTask(spec.Commitment)!;
        Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.NodeSlashed), (task.Status, task.AbortReason));
        Assert.Equal(NodeStatus.Quit, devnet.Control.GetNode(task.SelectedNode)!.Status);
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
    }

    [Fact]
    public async Task Single_validate_with_a_selected_seed_is_refused()
    {
        await using var devnet = await TestDevnet.StartAsync();
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: true));
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        var reply = await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(task));
        Assert.Equal((HttpStatusCode.InternalServerError, "task is selected for validation"), (reply.Status, reply.Message));
        var wrongId = await devnet.Creator.ValidateAsync([spec.Commitment], Crypto.Hex.Encode(new byte[32]), TestDevnet.SeedOf(task));
        Assert.Equal("task id incorrect", wrongId.Message);
        Assert.Equal(RelayTaskStatus.ScoreReady, devnet.Control.GetTask(spec.Commitment)!.Status);
    }
}
