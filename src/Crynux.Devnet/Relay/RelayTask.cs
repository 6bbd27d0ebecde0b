using System.Numerics;

namespace Crynux.Devnet.Relay;

/// <summary>One task row of the Relay's store. Mutated only under <see cref="RelayCore"/>'s lock.</summary>
internal sealed class RelayTask
{
    public required ulong Sequence { get; init; }
    public required string Commitment { get; init; }
    public required string TaskArgs { get; init; }
    public required TaskType TaskType { get; init; }
    public required string Creator { get; init; }
    public required string SamplingSeed { get; init; }
    public required string Nonce { get; init; }
    public required string TaskVersion { get; init; }
    public required ulong MinVram { get; init; }
    public required string RequiredGpu { get; init; }
    public required ulong RequiredGpuVram { get; init; }
    public required BigInteger TaskFee { get; init; }
    public required ulong TaskSize { get; init; }
    public required IReadOnlyList<string> ModelIds { get; init; }
    public required DateTimeOffset CreateTime { get; init; }

    /// <summary>Relay-side work estimate in node-seconds; feeds priority and the execution timeout.</summary>
    public required double EstimatedSeconds { get; init; }

    public required BigInteger Priority { get; init; }

    public RelayTaskStatus Status { get; set; }
    public ulong Timeout { get; set; }
    public TaskAbortReason AbortReason { get; set; }
    public int TaskError { get; set; }
    public string Score { get; set; } = "";
    public string ExecutionDtype { get; set; } = "";
    public ulong? QosScore { get; set; }
    public string SelectedNode { get; set; } = "";
    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? ScoreReadyTime { get; set; }
    public DateTimeOffset? ValidatedTime { get; set; }
    public DateTimeOffset? ResultUploadedTime { get; set; }
    public DateTimeOffset? DeliveredTime { get; set; }

    /// <summary>The selected node's gpu_name and gpu_vram copied when the task started; never changed afterwards.</summary>
    public string ExecutionGpu { get; set; } = "";
    public ulong ExecutionGpuVram { get; set; }

    /// <summary>start_time + the predicted execution seconds (SD and LLM tasks, set at start).</summary>
    public DateTimeOffset? EstimatedCompletionTime { get; set; }

    /// <summary>The revealed task id, written at validate time; not part of GET output.</summary>
    public string TaskId { get; set; } = "";

    /// <summary>Commitments of the validation group this task was validated in (empty for single tasks).</summary>
    public IReadOnlyList<string> GroupCommitments { get; set; } = [];

    public byte[]? InputCheckpoint { get; set; }
    public IReadOnlyList<byte[]> ResultFiles { get; set; } = [];
    public byte[]? ResultCheckpoint { get; set; }

    /// <summary>Files uploaded by a node of an EndInvalidated/EndGroupRefund task: kept as slash evidence only.</summary>
    public IReadOnlyList<byte[]> EvidenceFiles { get; set; } = [];

    public string? BaseModelId => ModelIds.FirstOrDefault(id => id.StartsWith("base:", StringComparison.Ordinal));

    public string ResultExtension => TaskType == TaskType.Llm ? ".json" : ".png";
}
