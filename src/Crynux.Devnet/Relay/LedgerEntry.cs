using System.Numerics;

namespace Crynux.Devnet.Relay;

/// <summary>One balance movement. <see cref="Amount"/> is signed (negative = debit).</summary>
public sealed record LedgerEntry(
    long Id,
    DateTimeOffset Time,
    string Address,
    LedgerKind Kind,
    BigInteger Amount,
    BigInteger BalanceAfter,
    string? TaskIdCommitment);
