namespace Crynux.Devnet.Relay;

/// <summary>A read-only copy of a node as the Relay knows it.</summary>
public sealed record NodeSnapshot(
    string Address,
    NodeStatus Status,
    string GpuName,
    ulong GpuVram,
    ulong QosScore,
    string Version,
    IReadOnlyList<string> InUseModelIds,
    IReadOnlyList<string> ModelIds,
    string CurrentTask)
{
    internal static NodeSnapshot From(NodeRecord n) =>
        new(n.Address, n.Status, n.GpuName, n.GpuVram, n.QosScore, n.Version, [.. n.InUseModelIds], [.. n.ModelIds], n.CurrentTask);
}
