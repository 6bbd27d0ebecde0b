namespace Crynux.Devnet.Relay;

/// <summary>The matching scheduler of docs/protocol.md §4.6: hard filters, base-model gate, weighted random choice.</summary>
internal sealed partial class RelayCore
{
    private const int BatchSize = 100;

    /// <summary>One matching round: queued tasks by priority DESC, id ASC, up to the batch size.</summary>
    public int MatchQueuedTasks() => Commit(() =>
    {
        var started = 0;
        if (!_nodes.Values.Any(n => n.Status == NodeStatus.Available && n.CurrentTask.Length == 0))
        {
            return 0;
        }
        var queue = _open.Where(t => t.Status == RelayTaskStatus.Queued)
            .OrderByDescending(t => t.Priority).ThenBy(t => t.Sequence).Take(BatchSize).ToList();
        foreach (var task in queue)
        {
            var candidates = _nodes.Values.Where(n => IsEligible(n, task)).OrderBy(n => n.Address, StringComparer.Ordinal).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }
            SetStarted(task, Choose(candidates, task));
            started++;
        }
        return started;
    });

    private static bool IsEligible(NodeRecord node, RelayTask task)
    {
        if (node.Status != NodeStatus.Available || node.CurrentTask.Length > 0 || !node.SupportsVersion(task.TaskVersion))
        {
            return false;
        }
        if (task.RequiredGpu.Length > 0)
        {
            if (node.GpuName != task.RequiredGpu || node.GpuVram != task.RequiredGpuVram)
            {
                return false;
            }
        }
        else
        {
            if (node.GpuVram < task.MinVram)
            {
                return false;
            }
            if (task.TaskType == TaskType.Llm)
            {
                var plus = node.GpuName.LastIndexOf('+');
                if (plus < 0 || node.GpuName[(plus + 1)..] == "Darwin")
                {
                    return false;
                }
            }
        }
        return node.HasModel(task.BaseModelId);
    }

    /// <summary>Weighted random: QoS (neutral when unknown) × 1.3 when the base model is already loaded.</summary>
    private NodeRecord Choose(List<NodeRecord> candidates, RelayTask task)
    {
        var weights = candidates.Select(n =>
        {
            var qos = n.QosSamples.Count == 0 ? 10.0 : Math.Max(n.QosSamples.Average(s => (double)s), 0.5);
            return qos * (task.BaseModelId is { } m && n.InUseModelIds.Contains(m) ? 1.3 : 1.0);
        }).ToList();
        var pick = _random.NextDouble() * weights.Sum();
        for (var i = 0; i < candidates.Count; i++)
        {
            pick -= weights[i];
            if (pick < 0)
            {
                return candidates[i];
            }
        }
        return candidates[^1];
    }
}
