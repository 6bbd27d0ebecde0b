using System.Numerics;
using System.Security.Cryptography;

namespace Crynux.Devnet.Relay;

/// <summary>Create, read and cancel (docs/protocol.md §3.1, §3.2, §3.4).</summary>
internal sealed partial class RelayCore
{
    public TaskSnapshot CreateTask(NewTask input) => Commit(() =>
    {
        if (_options.Protocol >= 2026 && CheckBaseModels(input) is { } failed)
        {
            // The 2026 single create: a permanent hub rejection is a validation error, a hub outage a retryable 500.
            throw failed.Permanent ? RelayException.Validation("task_model_ids", failed.Error) : RelayException.Internal(failed.Error);
        }
        if (_tasks.ContainsKey(input.Commitment))
        {
            throw RelayException.Validation("task_id_commitment", "Task already uploaded");
        }
        return Insert(input);
    });

    private (bool Permanent, string Error)? CheckBaseModels(NewTask input) =>
        _baseModels.Check(input.ModelIds, input.TaskType, id => _nodes.Values.Any(n => n.HasModel(id)));

    /// <summary>Charges the creator and stores the task (Queued); the caller has checked the commitment is new.</summary>
    private TaskSnapshot Insert(NewTask input)
    {
        if (input.TaskType == TaskType.StableDiffusionFinetuneLora && input.Checkpoints.Count > 1)
        {
            throw RelayException.Validation("checkpoint", "More than one checkpoint file uploaded");
        }
        var seed = _samplingSeeds.Count > 0 ? _samplingSeeds.Dequeue() : Crypto.Hex.Encode(RandomNumberGenerator.GetBytes(32));
        if (input.MinVram is not { } minVram || input.RequiredGpu is not { } requiredGpu
            || input.RequiredGpuVram is not { } requiredGpuVram || input.TaskSize is not { } taskSize)
        {
            // The Relay dereferences these four pointers unchecked: a nil one panics into an empty 500.
            throw RelayException.Panic();
        }
        if (_ledger.Balance(input.Creator) < input.TaskFee)
        {
            throw RelayException.Validation("task_fee", "Insufficient relay account balance");
        }
        var vramWeight = Math.Max(input.VramDemand, 8) / 8.0;
        var task = new RelayTask
        {
            Sequence = (ulong)_taskOrder.Count + 1,
            Commitment = input.Commitment,
            TaskArgs = input.TaskArgs,
            TaskType = input.TaskType,
            Creator = input.Creator,
            SamplingSeed = seed,
            Nonce = input.Nonce,
            TaskVersion = input.TaskVersion,
            MinVram = minVram,
            RequiredGpu = requiredGpu,
            RequiredGpuVram = requiredGpuVram,
            TaskFee = input.TaskFee,
            TaskSize = taskSize,
            ModelIds = input.ModelIds,
            CreateTime = Now,
            EstimatedSeconds = input.EstimatedSeconds,
            Priority = input.TaskFee * 1000 / new BigInteger(Math.Max(1, Math.Ceiling(input.EstimatedSeconds * vramWeight * 1000))),
            Timeout = input.TaskType == TaskType.StableDiffusionFinetuneLora ? input.Timeout : 0,
            InputCheckpoint = input.Checkpoints.Count == 1 ? input.Checkpoints[0] : null,
        };
        _tasks.Add(task.Commitment, task);
        _taskOrder.Add(task);
        _open.Add(task);
        _ledger.Move(task.Creator, LedgerKind.TaskPayment, -task.TaskFee, task.Commitment, Now);
        _matchRequested = true;
        return TaskSnapshot.From(task);
    }

    /// <summary>GET by commitment: creator or selected node; records delivered_time for the node.</summary>
    public TaskSnapshot ReadTask(string commitment, string signer) => Commit(() =>
    {
        var task = Find(commitment);
        if (signer != task.Creator && signer != task.SelectedNode)
        {
            throw RelayException.Validation("signature", "Signer not allowed");
        }
        if (signer == task.SelectedNode && task.DeliveredTime is null)
        {
            task.DeliveredTime = Now;
        }
        return TaskSnapshot.From(task);
    });

    /// <summary>Reads a task for an endpoint that allows only the given signers.</summary>
    public TaskSnapshot ReadTaskFor(string commitment, string signer, bool allowSelectedNode)
    {
        lock (_gate)
        {
            var task = Find(commitment);
            if (signer != task.Creator && !(allowSelectedNode && signer == task.SelectedNode))
            {
                throw RelayException.Validation("signature", "Signer not allowed");
            }
            return TaskSnapshot.From(task);
        }
    }

    public byte[]? InputCheckpoint(string commitment)
    {
        lock (_gate)
        {
            return Find(commitment).InputCheckpoint;
        }
    }

    public void AbortByCreator(string commitment, string signer, int reason) => Commit(() =>
    {
        var task = Find(commitment);
        if (signer != task.Creator)
        {
            throw RelayException.Validation("signature", "Signer not allowed");
        }
        if (reason != (int)TaskAbortReason.CreatorCancelled)
        {
            throw RelayException.Validation("abort_reason", "Abort reason not allowed");
        }
        if (task.Status != RelayTaskStatus.Queued)
        {
            throw RelayException.Validation("task_id_commitment", "Task can no longer be cancelled");
        }
        SetEndAborted(task, TaskAbortReason.CreatorCancelled, signer);
    });

    /// <summary>Slashes a node (devnet admin): its current task ends with NodeSlashed and a refund; the node quits.</summary>
    public bool SlashNode(string address) => Commit(() =>
    {
        if (!_nodes.TryGetValue(address, out var node))
        {
            return false;
        }
        if (_tasks.TryGetValue(node.CurrentTask, out var task) && !task.Status.IsTerminal())
        {
            SetEndAborted(task, TaskAbortReason.NodeSlashed, RelayAddress);
        }
        node.CurrentTask = "";
        node.Status = NodeStatus.Quit;
        return true;
    });

    private RelayTask Find(string commitment) =>
        _tasks.TryGetValue(commitment, out var task) ? task : throw RelayException.Validation("task_id_commitment", "Task not found");
}
