using System.Numerics;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Engine;

/// <summary>What to run on the network for one client request.</summary>
public sealed record TaskSpec(
    TaskType Type, string TaskArgs, IReadOnlyList<string> ModelIds, long MinVram, string RequiredGpu, long RequiredGpuVram,
    long TaskSize, string TaskVersion, BigInteger FeeWei, long Timeout = 0, int RepeatNum = 1)
{
    /// <summary>The base models of <see cref="ModelIds"/> ("base:" taken off): as given, and without their "+variant".</summary>
    public IEnumerable<(string Id, string Plain)> BaseModels => ModelIds
        .Where(m => m.StartsWith("base:", StringComparison.Ordinal))
        .Select(m => m["base:".Length..])
        .Select(id => (id, id.Split('+')[0]));
}
