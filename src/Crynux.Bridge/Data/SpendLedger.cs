using System.Data.Common;
using System.Globalization;
using System.Numerics;
using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>
/// The spend accounting of one transaction: task counts, outcomes, charged and refunded fees per key and UTC day, and
/// changes to what keys hold against their spend limits. Collected while the transaction changes task states, then
/// written at its end in one order (keys by id, then days), so that concurrent transactions on several instances lock the
/// same rows in the same order. Totals are only ever incremented in SQL, never read and written back, so they stay exact.
/// </summary>
internal sealed class SpendLedger
{
    private static readonly BigInteger WeiPerGwei = BigInteger.Pow(10, 9);

    private readonly SortedDictionary<(long Key, long Day), DayTotals> _days = [];
    private readonly SortedDictionary<long, long> _held = [];

    /// <summary>What happened, for the per-key metrics (published after the commit).</summary>
    public List<SpendEvent> Events { get; } = [];

    public static long Day(long createdAtMs) => createdAtMs / 86_400_000;

    /// <summary>The fee's whole GWei and its sub-GWei rest in wei (a wei string as stored in task_fee).</summary>
    public static (long Gwei, long Wei) Split(string feeWei)
    {
        var fee = BigInteger.Parse(feeWei, NumberStyles.None, CultureInfo.InvariantCulture);
        var gwei = BigInteger.DivRem(fee, WeiPerGwei, out var rest);
        return ((long)gwei, (long)rest);
    }

    /// <summary>The fee in whole GWei, rounded up: what it holds against a spend limit.</summary>
    public static long CeilingGwei(string feeWei)
    {
        var (gwei, wei) = Split(feeWei);
        return wei > 0 ? gwei + 1 : gwei;
    }

    public static BigInteger Wei(decimal gwei, decimal wei) => new BigInteger(gwei) * WeiPerGwei + new BigInteger(wei);

    public void Admitted(long? keyId, long createdAtMs) => Totals(keyId, createdAtMs).Tasks++;

    public void Outcome(long? keyId, long createdAtMs, bool success)
    {
        var totals = Totals(keyId, createdAtMs);
        if (success)
        {
            totals.Successes++;
        }
        else
        {
            totals.Failures++;
        }
        Events.Add(new SpendEvent(keyId ?? 0, success ? SpendEventKind.Success : SpendEventKind.Failure, 0));
    }

    public void Charged(long? keyId, long createdAtMs, string feeWei)
    {
        var (gwei, wei) = Split(feeWei);
        var totals = Totals(keyId, createdAtMs);
        totals.ChargedGwei += gwei;
        totals.ChargedWei += wei;
        Events.Add(new SpendEvent(keyId ?? 0, SpendEventKind.Charged, gwei));
    }

    public void Refunded(long? keyId, long createdAtMs, string feeWei)
    {
        var (gwei, wei) = Split(feeWei);
        var totals = Totals(keyId, createdAtMs);
        totals.RefundedGwei += gwei;
        totals.RefundedWei += wei;
        Events.Add(new SpendEvent(keyId ?? 0, SpendEventKind.Refunded, gwei));
    }

    /// <summary>Changes what the key holds against its spend limit (negative: given back).</summary>
    public void Hold(long? keyId, long gwei)
    {
        if (keyId is { } id && gwei != 0)
        {
            _held[id] = _held.GetValueOrDefault(id) + gwei;
        }
    }

    private DayTotals Totals(long? keyId, long createdAtMs)
    {
        var key = (keyId ?? 0, Day(createdAtMs));
        if (!_days.TryGetValue(key, out var totals))
        {
            _days[key] = totals = new DayTotals();
        }
        return totals;
    }

    public async Task WriteAsync(DbConnection connection, DbTransaction tx, DbDriver driver, CancellationToken ct)
    {
        foreach (var (id, gwei) in _held.Where(h => h.Value != 0))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_keys SET spend_held_gwei = spend_held_gwei + @gwei WHERE id = @id", new { id, gwei }, tx, cancellationToken: ct));
        }
        var upsert = driver == DbDriver.MySql
            ? "ON DUPLICATE KEY UPDATE tasks = tasks + VALUES(tasks), successes = successes + VALUES(successes), failures = failures + VALUES(failures), " +
              "charged_gwei = charged_gwei + VALUES(charged_gwei), charged_wei = charged_wei + VALUES(charged_wei), " +
              "refunded_gwei = refunded_gwei + VALUES(refunded_gwei), refunded_wei = refunded_wei + VALUES(refunded_wei)"
            : "ON CONFLICT (api_key_id, day) DO UPDATE SET tasks = key_spend_days.tasks + excluded.tasks, " +
              "successes = key_spend_days.successes + excluded.successes, failures = key_spend_days.failures + excluded.failures, " +
              "charged_gwei = key_spend_days.charged_gwei + excluded.charged_gwei, charged_wei = key_spend_days.charged_wei + excluded.charged_wei, " +
              "refunded_gwei = key_spend_days.refunded_gwei + excluded.refunded_gwei, refunded_wei = key_spend_days.refunded_wei + excluded.refunded_wei";
        foreach (var ((keyId, day), t) in _days)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO key_spend_days (api_key_id, day, tasks, successes, failures, charged_gwei, charged_wei, refunded_gwei, refunded_wei) " +
                "VALUES (@keyId, @day, @Tasks, @Successes, @Failures, @ChargedGwei, @ChargedWei, @RefundedGwei, @RefundedWei) " + upsert,
                new { keyId, day, t.Tasks, t.Successes, t.Failures, t.ChargedGwei, t.ChargedWei, t.RefundedGwei, t.RefundedWei }, tx, cancellationToken: ct));
        }
    }

    private sealed class DayTotals
    {
        public long Tasks { get; set; }
        public long Successes { get; set; }
        public long Failures { get; set; }
        public long ChargedGwei { get; set; }
        public long ChargedWei { get; set; }
        public long RefundedGwei { get; set; }
        public long RefundedWei { get; set; }
    }
}
