namespace Crynux.Bridge.Data;

/// <summary>One accounting change of a committed transaction (key 0: a task without a key), for the metrics.</summary>
public sealed record SpendEvent(long KeyId, SpendEventKind Kind, long Gwei);
