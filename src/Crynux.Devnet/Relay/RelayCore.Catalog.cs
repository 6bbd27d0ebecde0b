using System.Numerics;

namespace Crynux.Devnet.Relay;

/// <summary>The 2026 catalog views computed from the devnet's state: loaded models and the queue-priority snapshot.</summary>
internal sealed partial class RelayCore
{
    private QueuedPrioritySnapshot _prioritySnapshot = new(DateTimeOffset.UnixEpoch, 0, null, null, null);

    /// <summary>
    /// Base models that completed at least one task (EndSuccess, EndGroupSuccess, EndGroupRefund), by model id, with the
    /// smallest VRAM of a node that completed one, and how many joined nodes have it loaded or on disk.
    /// </summary>
    public IReadOnlyList<LoadedModel> LoadedModels()
    {
        lock (_gate)
        {
            var completed = new SortedDictionary<string, (string Type, ulong MinVram)>(StringComparer.Ordinal);
            foreach (var task in _taskOrder)
            {
                if (task.Status is not (RelayTaskStatus.EndSuccess or RelayTaskStatus.EndGroupSuccess or RelayTaskStatus.EndGroupRefund)
                    || task.ExecutionGpuVram == 0)
                {
                    continue;
                }
                var type = task.TaskType == TaskType.Llm ? "llm" : "sd";
                foreach (var name in task.ModelIds.Select(HubName).OfType<string>().Distinct(StringComparer.Ordinal))
                {
                    completed[name] = completed.TryGetValue(name, out var seen)
                        ? (seen.Type, Math.Min(seen.MinVram, task.ExecutionGpuVram))
                        : (type, task.ExecutionGpuVram);
                }
            }
            var joined = _nodes.Values.Where(n => n.Status != NodeStatus.Quit).ToList();
            return [.. completed.Select(m => new LoadedModel(m.Key, m.Value.Type, m.Value.MinVram,
                joined.Count(n => n.InUseModelIds.Any(id => HubName(id) == m.Key)),
                joined.Count(n => n.ModelIds.Contains("*") || n.ModelIds.Any(id => HubName(id) == m.Key))))];
        }
    }

    /// <summary>"base:Org/Name+variant" → "org/name"; null for non-base ids, URL models and empty names.</summary>
    private static string? HubName(string modelId)
    {
        if (!modelId.StartsWith("base:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var name = modelId["base:".Length..].ToLowerInvariant();
        var plus = name.IndexOf('+', StringComparison.Ordinal);
        name = plus < 0 ? name : name[..plus];
        return name.Length == 0 || name.StartsWith("http://", StringComparison.Ordinal) || name.StartsWith("https://", StringComparison.Ordinal)
            ? null
            : name;
    }

    public QueuedPrioritySnapshot PrioritySnapshot
    {
        get { lock (_gate) { return _prioritySnapshot; } }
    }

    /// <summary>Takes a new snapshot of every Queued task's priority (order priority DESC, id ASC).</summary>
    public QueuedPrioritySnapshot RefreshPrioritySnapshot()
    {
        lock (_gate)
        {
            var queue = _open.Where(t => t.Status == RelayTaskStatus.Queued)
                .OrderByDescending(t => t.Priority).ThenBy(t => t.Sequence).Select(t => t.Priority).ToList();
            _prioritySnapshot = queue.Count == 0
                ? new QueuedPrioritySnapshot(Now, 0, null, null, null)
                : new QueuedPrioritySnapshot(Now, queue.Count, queue[0], queue[queue.Count / 2], queue[^1]);
            return _prioritySnapshot;
        }
    }

    /// <summary>
    /// A test knob: the snapshot as if the queue held <paramref name="count"/> tasks with these priorities (GWei), until
    /// the next refresh. Count 0 needs all three null; otherwise highest ≥ median ≥ lowest ≥ 0.
    /// </summary>
    public QueuedPrioritySnapshot SetPrioritySnapshot(int count, BigInteger? highestGwei, BigInteger? medianGwei, BigInteger? lowestGwei)
    {
        var valid = count == 0
            ? highestGwei is null && medianGwei is null && lowestGwei is null
            : count > 0 && highestGwei is { } h && medianGwei is { } m && lowestGwei is { } l && h >= m && m >= l && l >= 0;
        if (!valid)
        {
            throw new ArgumentException("A priority snapshot needs queued_task_count 0 with null priorities, or a positive count with highest >= median >= lowest >= 0.");
        }
        var gwei = BigInteger.Pow(10, 9);
        lock (_gate)
        {
            _prioritySnapshot = new QueuedPrioritySnapshot(Now, count, highestGwei * gwei, medianGwei * gwei, lowestGwei * gwei);
            return _prioritySnapshot;
        }
    }

    /// <summary>Refreshes the snapshot when its interval has passed on the devnet's clock (for RunDueTimers).</summary>
    public void RefreshPrioritySnapshotIfDue()
    {
        if (Now - PrioritySnapshot.AsOf >= _options.QueuedPrioritySnapshotInterval)
        {
            RefreshPrioritySnapshot();
        }
    }

    /// <summary>A node re-joins with other cards: its row changes, running tasks keep their execution-GPU copy.</summary>
    public bool SetNodeGpu(string address, string gpuName, ulong gpuVram) => Commit(() =>
    {
        if (!_nodes.TryGetValue(address, out var node))
        {
            return false;
        }
        node.GpuName = string.Join(' ', gpuName.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        node.GpuVram = gpuVram;
        return true;
    });
}
