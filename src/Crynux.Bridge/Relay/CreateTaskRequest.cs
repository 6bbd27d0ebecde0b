namespace Crynux.Bridge.Relay;

/// <summary>What create sends (docs/protocol.md §3.1); every field is signed.</summary>
public sealed record CreateTaskRequest(
    string TaskIdCommitment, string TaskArgs, int TaskType, string Nonce, IReadOnlyList<string> TaskModelIds, long MinVram,
    string RequiredGpu, long RequiredGpuVram, string TaskVersion, long TaskSize, string TaskFeeWei, long Timeout)
{
    /// <summary>A fine-tune round's input checkpoint: the create is then multipart with this file as its <c>checkpoint</c> part.</summary>
    public string? CheckpointPath { get; init; }
}
