using System.Numerics;

namespace Crynux.Devnet.Relay;

/// <summary>Relay accounts in wei. Not thread-safe: used under <see cref="RelayCore"/>'s lock.</summary>
internal sealed class Ledger
{
    /// <summary>Pseudo-address collecting the DAO share of task income.</summary>
    public const string DaoAddress = "dao";

    private readonly Dictionary<string, BigInteger> _balances = new(StringComparer.Ordinal);
    private readonly List<LedgerEntry> _entries = [];

    public BigInteger Balance(string address) => _balances.GetValueOrDefault(address);

    public IReadOnlyList<LedgerEntry> Entries(string? address) =>
        address is null ? [.. _entries] : [.. _entries.Where(e => e.Address == address)];

    public void Move(string address, LedgerKind kind, BigInteger amount, string? commitment, DateTimeOffset now)
    {
        var after = Balance(address) + amount;
        _balances[address] = after;
        _entries.Add(new LedgerEntry(_entries.Count + 1, now, address, kind, amount, after, commitment));
    }
}
