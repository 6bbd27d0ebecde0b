namespace Crynux.Devnet.Relay;

/// <summary>ValidateTaskGroup, following docs/protocol.md §5.4 step by step (error strings included).</summary>
internal sealed partial class RelayCore
{
    private static readonly ulong[] QosRewards = [10, 5, 2];

    private void ValidateGroup(List<RelayTask> members, string taskId, string vrfProof, string publicKey)
    {
        if (members.Distinct().Count() != 3)
        {
            throw RelayException.Internal("task group size is not 3");
        }
        if (members.Any(IsValidationExpired))
        {
            throw RelayException.Internal("task group validation expired");
        }
        foreach (var task in members)
        {
            if (task.Status is not (RelayTaskStatus.ScoreReady or RelayTaskStatus.ErrorReported or RelayTaskStatus.EndAborted))
            {
                throw RelayException.Internal("illegal task state");
            }
            CheckTaskId(task, taskId);
            task.TaskId = taskId;
        }
        var byId = members.OrderBy(t => t.Sequence).ToList();
        foreach (var task in byId)
        {
            if (!IsSelected(byId[0].SamplingSeed, task.Creator, vrfProof, publicKey))
            {
                throw RelayException.Internal("task is not selected for validation");
            }
        }

        var sorted = byId.OrderBy(ExecutionTime).ThenBy(t => t.Sequence).ToList();
        var finished = sorted.Where(t => t.Status != RelayTaskStatus.EndAborted).ToList();
        var qos = new Dictionary<RelayTask, ulong?>();
        var rank = 0;
        foreach (var task in sorted)
        {
            qos[task] = finished.Count == 0 ? null : task.Status == RelayTaskStatus.EndAborted ? 0 : QosRewards[rank++];
        }
        var next = sorted.ToDictionary(t => t, _ => RelayTaskStatus.EndAborted);
        Decide(finished, next);

        // The Relay runs the writes in one transaction: check every precondition before changing anything.
        if (next.Any(p => p.Value == RelayTaskStatus.EndGroupRefund && p.Key.Status != RelayTaskStatus.ScoreReady))
        {
            throw RelayException.Internal("illegal previous task status");
        }
        var group = byId.Select(t => t.Commitment).ToList();
        foreach (var task in sorted)
        {
            task.GroupCommitments = group;
            task.QosScore = qos[task];
            RecordQos(task);
            switch (next[task])
            {
                case RelayTaskStatus.EndInvalidated:
                    SetEndInvalidated(task);
                    break;
                case RelayTaskStatus.GroupValidated:
                    SetGroupValidated(task);
                    break;
                case RelayTaskStatus.EndGroupRefund:
                    SetEndGroupRefund(task);
                    break;
                default:
                    if (task.Status != RelayTaskStatus.EndAborted)
                    {
                        var reason = finished.Count < 2 ? TaskAbortReason.GroupTimeout : TaskAbortReason.IncorrectResult;
                        SetEndAborted(task, reason, task.Creator, validationDriven: true);
                    }
                    break;
            }
        }
    }

    private void Decide(List<RelayTask> f, Dictionary<RelayTask, RelayTaskStatus> next)
    {
        if (f.Count == 2)
        {
            if (Same(f[0], f[1]) && f[0].Status == RelayTaskStatus.ScoreReady)
            {
                next[f[0]] = RelayTaskStatus.GroupValidated;
                next[f[1]] = RelayTaskStatus.EndGroupRefund;
            }
        }
        else if (f.Count == 3)
        {
            bool s01 = Same(f[0], f[1]), s02 = Same(f[0], f[2]), s12 = Same(f[1], f[2]);
            if (s01)
            {
                if (f[0].Status == RelayTaskStatus.ScoreReady)
                {
                    next[f[0]] = RelayTaskStatus.GroupValidated;
                    next[f[1]] = RelayTaskStatus.EndGroupRefund;
                }
                next[f[2]] = s02 ? RelayTaskStatus.EndGroupRefund : RelayTaskStatus.EndInvalidated;
            }
            else if (s02)
            {
                if (f[0].Status == RelayTaskStatus.ScoreReady)
                {
                    next[f[0]] = RelayTaskStatus.GroupValidated;
                    next[f[2]] = RelayTaskStatus.EndGroupRefund;
                }
                next[f[1]] = RelayTaskStatus.EndInvalidated;
            }
            else if (s12)
            {
                if (f[1].Status == RelayTaskStatus.ScoreReady)
                {
                    next[f[1]] = RelayTaskStatus.GroupValidated;
                    next[f[2]] = RelayTaskStatus.EndGroupRefund;
                }
                next[f[0]] = RelayTaskStatus.EndInvalidated;
            }
        }

        bool Same(RelayTask a, RelayTask b) => CompareScores(a, b);
    }

    private bool IsValidationExpired(RelayTask task) =>
        task.Status == RelayTaskStatus.EndAborted && task.AbortReason == TaskAbortReason.CreatorValidationTimeout;

    private static double ExecutionTime(RelayTask task) =>
        task.Status != RelayTaskStatus.EndAborted && task.StartTime is { } start && task.ScoreReadyTime is { } ready
            ? (ready - start).TotalMilliseconds
            : double.PositiveInfinity;

    private void RecordQos(RelayTask task)
    {
        if (task.QosScore is not { } score || !_nodes.TryGetValue(task.SelectedNode, out var node))
        {
            return;
        }
        node.QosSamples.Add(score);
        if (node.QosSamples.Count > 50)
        {
            node.QosSamples.RemoveAt(0);
        }
    }
}
