using System.Numerics;

namespace Crynux.Devnet.Relay;

/// <summary>A read-only copy of a task as the Relay stores it (the GET fields plus devnet-visible extras).</summary>
public sealed record TaskSnapshot
{
    public required ulong Sequence { get; init; }
    public required string TaskArgs { get; init; }
    public required string TaskIdCommitment { get; init; }
    public required string Creator { get; init; }
    public required string SamplingSeed { get; init; }
    public required string Nonce { get; init; }
    public required RelayTaskStatus Status { get; init; }
    public required TaskType TaskType { get; init; }
    public required string TaskVersion { get; init; }
    public required ulong Timeout { get; init; }
    public required ulong MinVram { get; init; }
    public required string RequiredGpu { get; init; }
    public required ulong RequiredGpuVram { get; init; }
    public required BigInteger TaskFee { get; init; }
    public required ulong TaskSize { get; init; }
    public required IReadOnlyList<string> ModelIds { get; init; }
    public required TaskAbortReason AbortReason { get; init; }
    public required int TaskError { get; init; }
    public required string Score { get; init; }
    public required ulong? QosScore { get; init; }
    public required string SelectedNode { get; init; }
    public required DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? ScoreReadyTime { get; init; }
    public DateTimeOffset? ValidatedTime { get; init; }
    public DateTimeOffset? ResultUploadedTime { get; init; }
    public required string TaskId { get; init; }
    public required int ResultFileCount { get; init; }
    public required string ExecutionGpu { get; init; }
    public required ulong ExecutionGpuVram { get; init; }
    public DateTimeOffset? EstimatedCompletionTime { get; init; }

    internal static TaskSnapshot From(RelayTask t) => new()
    {
        Sequence = t.Sequence,
        TaskArgs = t.TaskArgs,
        TaskIdCommitment = t.Commitment,
        Creator = t.Creator,
        SamplingSeed = t.SamplingSeed,
        Nonce = t.Nonce,
        Status = t.Status,
        TaskType = t.TaskType,
        TaskVersion = t.TaskVersion,
        Timeout = t.Timeout,
        MinVram = t.MinVram,
        RequiredGpu = t.RequiredGpu,
        RequiredGpuVram = t.RequiredGpuVram,
        TaskFee = t.TaskFee,
        TaskSize = t.TaskSize,
        ModelIds = t.ModelIds,
        AbortReason = t.AbortReason,
        TaskError = t.TaskError,
        Score = t.Score,
        QosScore = t.QosScore,
        SelectedNode = t.SelectedNode,
        CreateTime = t.CreateTime,
        StartTime = t.StartTime,
        ScoreReadyTime = t.ScoreReadyTime,
        ValidatedTime = t.ValidatedTime,
        ResultUploadedTime = t.ResultUploadedTime,
        TaskId = t.TaskId,
        ResultFileCount = t.ResultFiles.Count,
        ExecutionGpu = t.ExecutionGpu,
        ExecutionGpuVram = t.ExecutionGpuVram,
        EstimatedCompletionTime = t.EstimatedCompletionTime,
    };
}
