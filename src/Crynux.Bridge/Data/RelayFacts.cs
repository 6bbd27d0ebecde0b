namespace Crynux.Bridge.Data;

/// <summary>What a GET of a task told about it, in the bridge's terms.</summary>
public sealed record RelayFacts(long Sequence, string SamplingSeed, string Score, InferenceStatus Status, TaskUpdate Update);
