namespace Crynux.Devnet.Relay;

/// <summary>A node as the Relay knows it. Mutated only under <see cref="RelayCore"/>'s lock.</summary>
internal sealed class NodeRecord
{
    public required string Address { get; init; }
    /// <summary>Settable: a node that re-joins with other cards (or toggles TP) changes its row.</summary>
    public required string GpuName { get; set; }
    public required ulong GpuVram { get; set; }
    public required string Version { get; init; }

    /// <summary>Lowercased on-disk model ids ("base:…"); "*" means every model (a devnet convenience).</summary>
    public required IReadOnlyList<string> ModelIds { get; init; }

    public NodeStatus Status { get; set; } = NodeStatus.Available;
    public string CurrentTask { get; set; } = "";
    public List<string> InUseModelIds { get; } = [];

    /// <summary>Per-task QoS samples from group validation (10/5/2/0), newest last, at most 50.</summary>
    public List<ulong> QosSamples { get; } = [];

    public ulong QosScore => QosSamples.Count == 0 ? 0 : (ulong)Math.Truncate(QosSamples.Average(s => (double)s));

    /// <summary>A node with a model has its variants too: "base:org/name+fp16" is served by a node listing "base:org/name".</summary>
    public bool HasModel(string? modelId) =>
        modelId is null || ModelIds.Contains("*") || ModelIds.Contains(modelId) || ModelIds.Contains(WithoutVariant(modelId));

    private static string WithoutVariant(string modelId) => modelId.LastIndexOf('+') is var plus and > 0 ? modelId[..plus] : modelId;

    public bool SupportsVersion(string taskVersion)
    {
        if (!TryParseVersion(taskVersion, out var task) || !TryParseVersion(Version, out var node))
        {
            return false;
        }
        return node.Major == task.Major
            && (node.Minor > task.Minor || (node.Minor == task.Minor && node.Patch >= task.Patch));
    }

    public static bool TryParseVersion(string text, out (ulong Major, ulong Minor, ulong Patch) version)
    {
        version = default;
        var parts = text.Split('.');
        if (parts.Length != 3
            || !ulong.TryParse(parts[0], System.Globalization.NumberStyles.None, null, out var major)
            || !ulong.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out var minor)
            || !ulong.TryParse(parts[2], System.Globalization.NumberStyles.None, null, out var patch))
        {
            return false;
        }
        version = (major, minor, patch);
        return true;
    }
}
