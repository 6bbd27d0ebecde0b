namespace Crynux.Devnet.Nodes;

/// <summary>What a node computed for a task: the files it will upload and the score it submitted for them.</summary>
internal sealed record NodeOutput(IReadOnlyList<byte[]> Files, string Extension, string Score, byte[]? Checkpoint);
