using System.Numerics;

namespace Crynux.Devnet.Relay;

/// <summary>The /v2/tasks/queued/priority snapshot: priorities in wei (null when the queue was empty).</summary>
internal sealed record QueuedPrioritySnapshot(DateTimeOffset AsOf, int Count, BigInteger? Highest, BigInteger? Median, BigInteger? Lowest);
