using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>Reads of keys with their usage and spend, for the admin and root key lists.</summary>
public sealed class KeyUsageStore(Database db)
{
    private const string Totals =
        "SUM(tasks) AS tasks, SUM(successes) AS successes, SUM(failures) AS failures, SUM(charged_gwei) AS charged_gwei, " +
        "SUM(charged_wei) AS charged_wei, SUM(refunded_gwei) AS refunded_gwei, SUM(refunded_wei) AS refunded_wei";

    private const string Select =
        "SELECT k.id, k.client_id, k.key_prefix, k.roles, k.use_limit, k.used_count, k.rate_limit, k.expires_at, k.spend_limit_gwei, k.spend_held_gwei, " +
        "k.models, k.created_at, COALESCE(s.tasks, 0) AS tasks, COALESCE(s.successes, 0) AS successes, COALESCE(s.failures, 0) AS failures, " +
        "COALESCE(s.charged_gwei, 0) AS charged_gwei, COALESCE(s.charged_wei, 0) AS charged_wei, COALESCE(s.refunded_gwei, 0) AS refunded_gwei, " +
        "COALESCE(s.refunded_wei, 0) AS refunded_wei FROM api_keys k LEFT JOIN (SELECT api_key_id, " + Totals +
        " FROM key_spend_days GROUP BY api_key_id) s ON s.api_key_id = k.id WHERE k.deleted_at IS NULL";

    /// <summary>Live keys in id order, and how many there are.</summary>
    public async Task<(long Total, List<KeyUsageRow> Keys)> ListAsync(int limit, long offset, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM api_keys WHERE deleted_at IS NULL", cancellationToken: ct));
        var rows = await connection.QueryAsync<KeyUsageRow>(new CommandDefinition(
            $"{Select} ORDER BY k.id LIMIT {limit} OFFSET {offset}", cancellationToken: ct));
        return (total, rows.AsList());
    }

    public async Task<KeyUsageRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<KeyUsageRow>(new CommandDefinition($"{Select} AND k.id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Day totals from <paramref name="fromDay"/> on (days since 1970-01-01, UTC), of one key or (null) of all.</summary>
    public async Task<List<SpendDayRow>> DaysAsync(long? keyId, long fromDay, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<SpendDayRow>(new CommandDefinition(
            $"SELECT day, {Totals} FROM key_spend_days WHERE day >= @fromDay AND (@keyId IS NULL OR api_key_id = @keyId) GROUP BY day ORDER BY day",
            new { fromDay, keyId }, cancellationToken: ct));
        return rows.AsList();
    }
}
