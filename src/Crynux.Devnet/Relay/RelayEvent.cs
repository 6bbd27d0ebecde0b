namespace Crynux.Devnet.Relay;

/// <summary>One row of the Relay's event stream (docs/protocol.md §8). <see cref="Args"/> is a JSON string.</summary>
public sealed record RelayEvent(long Id, string Type, string NodeAddress, string TaskIdCommitment, string Args);
