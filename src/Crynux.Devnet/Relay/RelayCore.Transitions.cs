using System.Numerics;
using System.Text.Json;

namespace Crynux.Devnet.Relay;

/// <summary>
/// Status writes of docs/protocol.md §4.2 with their fee, node and event effects. Every method runs under the lock,
/// checks the expected previous status first (the Relay's conditional UPDATE) and changes nothing when it fails.
/// </summary>
internal sealed partial class RelayCore
{
    private static void Expect(RelayTask task, params RelayTaskStatus[] allowed)
    {
        if (!allowed.Contains(task.Status))
        {
            throw RelayException.Internal("illegal previous task status");
        }
    }

    private void SetStarted(RelayTask task, NodeRecord node)
    {
        Expect(task, RelayTaskStatus.Queued);
        task.Status = RelayTaskStatus.Started;
        task.SelectedNode = node.Address;
        task.StartTime = Now;
        task.Timeout = ExecutionTimeoutSeconds(task.EstimatedSeconds);
        task.ExecutionGpu = node.GpuName;
        task.ExecutionGpuVram = node.GpuVram;
        task.EstimatedCompletionTime = task.TaskType == TaskType.StableDiffusionFinetuneLora
            ? null
            : Now + TimeSpan.FromSeconds(task.EstimatedSeconds);
        node.Status = NodeStatus.Busy;
        node.CurrentTask = task.Commitment;
        if (task.BaseModelId is { } model && !node.InUseModelIds.Contains(model))
        {
            node.InUseModelIds.Clear();
            node.InUseModelIds.Add(model);
        }
        Emit("TaskStarted", node.Address, task, ("task_id_commitment", task.Commitment), ("selected_node", node.Address));
    }

    private void SetScoreReady(RelayTask task, string score, string dtype)
    {
        Expect(task, RelayTaskStatus.Started);
        task.Status = RelayTaskStatus.ScoreReady;
        task.Score = score;
        task.ExecutionDtype = dtype;
        task.ScoreReadyTime = Now;
        Emit("TaskScoreReady", task.SelectedNode, task,
            ("task_id_commitment", task.Commitment), ("selected_node", task.SelectedNode), ("score", score));
    }

    private void SetErrorReported(RelayTask task, int error)
    {
        Expect(task, RelayTaskStatus.Started);
        task.Status = RelayTaskStatus.ErrorReported;
        task.TaskError = error;
        task.ScoreReadyTime = Now;
        Emit("TaskErrorReported", task.SelectedNode, task,
            ("task_id_commitment", task.Commitment), ("selected_node", task.SelectedNode), ("task_error", error));
    }

    private void SetValidated(RelayTask task)
    {
        Expect(task, RelayTaskStatus.ScoreReady);
        task.Status = RelayTaskStatus.Validated;
        task.ValidatedTime = Now;
        Emit("TaskValidated", task.SelectedNode, task, ("task_id_commitment", task.Commitment), ("selected_node", task.SelectedNode));
    }

    private void SetGroupValidated(RelayTask task)
    {
        Expect(task, RelayTaskStatus.ScoreReady);
        task.Status = RelayTaskStatus.GroupValidated;
        task.ValidatedTime = Now;
        Emit("TaskValidated", task.SelectedNode, task, ("task_id_commitment", task.Commitment), ("selected_node", task.SelectedNode));
    }

    private void SetEndGroupRefund(RelayTask task)
    {
        Expect(task, RelayTaskStatus.ScoreReady);
        task.Status = RelayTaskStatus.EndGroupRefund;
        task.ValidatedTime = Now;
        _ledger.Move(task.Creator, LedgerKind.TaskRefund, task.TaskFee, task.Commitment, Now);
        FinishNode(task);
        Emit("TaskEndGroupRefund", task.SelectedNode, task, ("task_id_commitment", task.Commitment), ("selected_node", task.SelectedNode));
    }

    /// <summary>Neither refund nor income: the fee stays with the Relay (the node is up for slashing).</summary>
    private void SetEndInvalidated(RelayTask task)
    {
        Expect(task, RelayTaskStatus.ScoreReady, RelayTaskStatus.ErrorReported);
        task.Status = RelayTaskStatus.EndInvalidated;
        task.ValidatedTime = Now;
        FinishNode(task);
        Emit("TaskEndInvalidated", task.SelectedNode, task, ("task_id_commitment", task.Commitment), ("selected_node", task.SelectedNode));
    }

    private void SetEndAborted(RelayTask task, TaskAbortReason reason, string issuer, bool validationDriven = false)
    {
        if (task.Status.IsTerminal())
        {
            throw RelayException.Internal("illegal previous task status");
        }
        var last = task.Status;
        task.Status = RelayTaskStatus.EndAborted;
        task.AbortReason = reason;
        if (validationDriven)
        {
            task.ValidatedTime = Now;
        }
        if (reason == TaskAbortReason.CreatorValidationTimeout)
        {
            PayNode(task.SelectedNode, task.TaskFee, task.Commitment);
        }
        else
        {
            _ledger.Move(task.Creator, LedgerKind.TaskRefund, task.TaskFee, task.Commitment, Now);
        }
        FinishNode(task);
        Emit("TaskEndAborted", issuer, task, ("task_id_commitment", task.Commitment), ("abort_issuer", issuer),
            ("last_status", (int)last), ("abort_reason", (int)reason));
    }

    private void SetEndSuccess(RelayTask task)
    {
        Expect(task, RelayTaskStatus.Validated);
        task.Status = RelayTaskStatus.EndSuccess;
        task.ResultUploadedTime = Now;
        PayNode(task.SelectedNode, task.TaskFee, task.Commitment);
        FinishNode(task);
        Emit("TaskEndSuccess", task.SelectedNode, task, ("task_id_commitment", task.Commitment), ("selected_node", task.SelectedNode));
    }

    /// <summary>QoS-weighted payment of the group's fee to every valid member's node (docs/protocol.md §4.8).</summary>
    private void SetEndGroupSuccess(RelayTask task)
    {
        Expect(task, RelayTaskStatus.GroupValidated);
        task.Status = RelayTaskStatus.EndGroupSuccess;
        task.ResultUploadedTime = Now;
        var valid = task.GroupCommitments.Select(c => _tasks[c])
            .Where(t => t.Status is RelayTaskStatus.EndGroupSuccess or RelayTaskStatus.GroupValidated or RelayTaskStatus.EndGroupRefund)
            .OrderBy(t => t.Sequence).ToList();
        var totalScore = valid.Aggregate(BigInteger.Zero, (sum, t) => sum + (t.QosScore ?? 0));
        var paid = BigInteger.Zero;
        for (var i = 0; i < valid.Count; i++)
        {
            var payment = totalScore.IsZero ? BigInteger.Zero : task.TaskFee * (valid[i].QosScore ?? 0) / totalScore;
            if (i == valid.Count - 1)
            {
                payment = task.TaskFee - paid;
            }
            paid += payment;
            PayNode(valid[i].SelectedNode, payment, task.Commitment);
        }
        FinishNode(task);
        Emit("TaskEndGroupSuccess", task.SelectedNode, task, ("task_id_commitment", task.Commitment), ("selected_node", task.SelectedNode));
    }

    /// <summary>The income split: the DAO takes its share, the node the rest.</summary>
    private void PayNode(string node, BigInteger amount, string commitment)
    {
        if (string.IsNullOrEmpty(node) || amount.IsZero)
        {
            return;
        }
        var dao = amount * _options.DaoFeeSharePercent / 100;
        if (!dao.IsZero)
        {
            _ledger.Move(Ledger.DaoAddress, LedgerKind.DaoIncome, dao, commitment, Now);
        }
        _ledger.Move(node, LedgerKind.TaskIncome, amount - dao, commitment, Now);
    }

    /// <summary>nodeFinishTask: the node leaves the task (Busy → Available, PendingPause → Paused, PendingQuit → Quit).</summary>
    private void FinishNode(RelayTask task)
    {
        if (!_nodes.TryGetValue(task.SelectedNode, out var node) || node.CurrentTask != task.Commitment)
        {
            return;
        }
        node.CurrentTask = "";
        node.Status = node.Status switch
        {
            NodeStatus.Busy => NodeStatus.Available,
            NodeStatus.PendingPause => NodeStatus.Paused,
            NodeStatus.PendingQuit => NodeStatus.Quit,
            var s => s,
        };
        _matchRequested = true;
    }

    /// <summary>Appends the event row (args in the Relay's struct order) and queues the node notice.</summary>
    private void Emit(string type, string nodeAddress, RelayTask task, params (string Key, object Value)[] args)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in args)
            {
                if (value is int number)
                {
                    writer.WriteNumber(key, number);
                }
                else
                {
                    writer.WriteString(key, (string)value);
                }
            }
            writer.WriteEndObject();
        }
        _events.Append(type, nodeAddress, task.Commitment, System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        if (task.Status.IsTerminal())
        {
            _open.Remove(task);
        }
        if (!string.IsNullOrEmpty(task.SelectedNode))
        {
            _pendingNotices.Add(new NodeNotice(task.SelectedNode, task.Commitment, task.Status));
        }
    }

    private ulong ExecutionTimeoutSeconds(double estimate)
    {
        var seconds = Math.Clamp(estimate * _options.TimeoutMultiplier,
            _options.MinExecutionTimeoutSeconds, _options.MaxExecutionTimeoutSeconds);
        return (ulong)Math.Ceiling(seconds);
    }
}
