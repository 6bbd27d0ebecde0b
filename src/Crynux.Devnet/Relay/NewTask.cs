using System.Numerics;

namespace Crynux.Devnet.Relay;

/// <summary>A create request after binding, signature and task_args checks (docs/protocol.md §3.1 steps 1–8).</summary>
internal sealed record NewTask(
    string Commitment,
    string TaskArgs,
    TaskType TaskType,
    string Nonce,
    IReadOnlyList<string> ModelIds,
    ulong? MinVram,
    string? RequiredGpu,
    ulong? RequiredGpuVram,
    string TaskVersion,
    ulong? TaskSize,
    BigInteger TaskFee,
    ulong Timeout,
    string Creator,
    IReadOnlyList<byte[]> Checkpoints,
    double EstimatedSeconds,
    ulong VramDemand);
