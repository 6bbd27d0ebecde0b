namespace Crynux.Devnet.Relay;

/// <summary>One batch-create item's result: outcome, and the stored task's sequence, seed and status when there is one.</summary>
internal sealed record BatchCreateResult(string Outcome, ulong Sequence = 0, string SamplingSeed = "", int Status = 0, string? Error = null);
