namespace Crynux.Bridge.Engine;

public enum Admission
{
    Admitted,
    /// <summary>The Idempotency-Key was seen before: the first request's task is returned and nothing is spent.</summary>
    Replayed,
    QuotaExceeded,
    /// <summary>The task's worst-case cost would pass the key's spend limit; nothing was admitted.</summary>
    SpendLimitExceeded,
}
