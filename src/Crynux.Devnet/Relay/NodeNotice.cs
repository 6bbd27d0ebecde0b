namespace Crynux.Devnet.Relay;

/// <summary>What a node is told after a status change that concerns it.</summary>
internal sealed record NodeNotice(string NodeAddress, string Commitment, RelayTaskStatus Status);
