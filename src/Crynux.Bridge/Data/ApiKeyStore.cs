using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>API keys: one row per client id; only the SHA-256 of a key is stored.</summary>
public sealed class ApiKeyStore
{
    // Every authenticated request looks its key up; a hit is trusted for this long. A change made through this instance
    // clears the cache at once; one made through another instance sharing the database shows here within this time.
    // Use limits are not affected: they are enforced by the conditional UPDATE of each admission.
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly Database _db;
    private readonly TimeProvider _time;
    private readonly long _cacheTicks;
    private readonly ConcurrentDictionary<string, (ApiKeyRow Row, long Until)> _byHash = new(StringComparer.Ordinal);
    // Bumped by every change made here, so that a read racing a change is not cached.
    private long _generation;

    public ApiKeyStore(Database db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _db = db;
        _time = time;
        _cacheTicks = CacheFor.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond;
    }

    /// <summary>The live key with this hash (cached briefly; the row is shared, do not modify it).</summary>
    public async Task<ApiKeyRow?> FindByHashAsync(string keyHash, CancellationToken ct)
    {
        var now = _time.GetTimestamp();
        var generation = Volatile.Read(ref _generation);
        if (_byHash.TryGetValue(keyHash, out var hit) && hit.Until > now)
        {
            return hit.Row;
        }
        await using var connection = await _db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            "SELECT * FROM api_keys WHERE key_hash = @keyHash AND deleted_at IS NULL", new { keyHash }, cancellationToken: ct));
        if (row is null)
        {
            _byHash.TryRemove(keyHash, out _);
        }
        else if (generation == Volatile.Read(ref _generation))
        {
            // (A read that raced a change made here is not kept: it may hold the row from before the change.)
            if (_byHash.Count > 10_000)
            {
                _byHash.Clear();
            }
            _byHash[keyHash] = (row, now + _cacheTicks);
        }
        return row;
    }

    private T Changed<T>(T result)
    {
        Interlocked.Increment(ref _generation);
        _byHash.Clear();
        return result;
    }

    public async Task<ApiKeyRow?> FindByClientAsync(string clientId, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            "SELECT * FROM api_keys WHERE client_id = @clientId", new { clientId }, cancellationToken: ct));
    }

    /// <summary>
    /// Creates the client's key, or rotates its secret. Roles, limits and usage survive a rotation (and a delete), so that
    /// a client cannot reset its own quota by asking for a new key.
    /// </summary>
    public async Task<ApiKeyRow> CreateOrRotateAsync(string clientId, string keyHash, string keyPrefix, long expiresAt, long defaultUseLimit,
        long defaultRateLimit, long now, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await using var tx = await connection.BeginTransactionAsync(ct);
        await EnsureClientAsync(connection, tx, clientId, now, ct);
        var rotated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET key_hash = @keyHash, key_prefix = @keyPrefix, expires_at = @expiresAt, deleted_at = NULL, updated_at = @now " +
            "WHERE client_id = @clientId", new { clientId, keyHash, keyPrefix, expiresAt, now }, tx, cancellationToken: ct));
        if (rotated == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO api_keys (client_id, key_hash, key_prefix, roles, use_limit, used_count, rate_limit, expires_at, created_at, updated_at) " +
                "VALUES (@clientId, @keyHash, @keyPrefix, '', @defaultUseLimit, 0, @defaultRateLimit, @expiresAt, @now, @now)",
                new { clientId, keyHash, keyPrefix, defaultUseLimit, defaultRateLimit, expiresAt, now }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        return Changed((await FindByClientAsync(clientId, ct))!);
    }

    private static async Task EnsureClientAsync(DbConnection connection, DbTransaction tx, string clientId, long now, CancellationToken ct)
    {
        var exists = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM clients WHERE client_id = @clientId", new { clientId }, tx, cancellationToken: ct));
        if (exists is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO clients (client_id, created_at) VALUES (@clientId, @now)", new { clientId, now }, tx, cancellationToken: ct));
        }
    }

    public async Task<bool> DeleteAsync(string clientId, long now, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        return Changed(await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET deleted_at = @now, updated_at = @now WHERE client_id = @clientId AND deleted_at IS NULL",
            new { clientId, now }, cancellationToken: ct)) > 0);
    }

    public async Task<bool> SetRolesAsync(long id, string roles, long now, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        return Changed(await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET roles = @roles, updated_at = @now WHERE id = @id", new { id, roles, now }, cancellationToken: ct)) > 0);
    }

    public async Task<bool> SetUseLimitAsync(string clientId, long useLimit, long now, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        return Changed(await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET use_limit = @useLimit, updated_at = @now WHERE client_id = @clientId AND deleted_at IS NULL",
            new { clientId, useLimit, now }, cancellationToken: ct)) > 0);
    }

    public async Task<bool> SetRateLimitAsync(string clientId, long rateLimit, long now, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        return Changed(await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET rate_limit = @rateLimit, updated_at = @now WHERE client_id = @clientId AND deleted_at IS NULL",
            new { clientId, rateLimit, now }, cancellationToken: ct)) > 0);
    }

    /// <summary>
    /// Reserves <paramref name="count"/> uses and <paramref name="spendGwei"/> of the spend limit inside the caller's
    /// transaction, all or none: one conditional UPDATE, so concurrent requests never overshoot either limit.
    /// </summary>
    public static async Task<bool> TryReserveAsync(DbConnection connection, DbTransaction tx, long id, int count, long spendGwei, long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET used_count = used_count + @count, spend_held_gwei = spend_held_gwei + @spendGwei, last_used_at = @now " +
            "WHERE id = @id AND deleted_at IS NULL AND (use_limit <= 0 OR used_count + @count <= use_limit) " +
            "AND (spend_limit_gwei IS NULL OR spend_held_gwei + @spendGwei <= spend_limit_gwei)",
            new { id, count, spendGwei, now }, tx, cancellationToken: ct)) > 0;
    }

    /// <summary>Changes what <paramref name="controls"/> sets, in one UPDATE; false when the key does not exist (or was deleted).</summary>
    public async Task<bool> SetControlsAsync(long id, KeyControls controls, long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(controls);
        var sets = new List<string> { "updated_at = @now" };
        var parameters = new DynamicParameters(new { id, now });
        void Set(string column, object? value)
        {
            sets.Add($"{column} = @{column}");
            parameters.Add(column, value);
        }
        if (controls.Roles is { } roles)
        {
            Set("roles", string.Join(',', roles));
        }
        if (controls.UseLimit is { } useLimit)
        {
            Set("use_limit", useLimit);
        }
        if (controls.RateLimit is { } rateLimit)
        {
            Set("rate_limit", rateLimit);
        }
        if (controls.ExpiresAt is { } expiresAt)
        {
            Set("expires_at", expiresAt);
        }
        if (controls.SpendLimitGwei is { } spendLimit)
        {
            Set("spend_limit_gwei", spendLimit.Value);
        }
        if (controls.Models is { } models)
        {
            Set("models", models.Value is null ? null : System.Text.Json.JsonSerializer.Serialize(models.Value));
        }
        await using var write = await _db.OpenWriteAsync(ct);
        return Changed(await write.Connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE api_keys SET {string.Join(", ", sets)} WHERE id = @id AND deleted_at IS NULL", parameters, cancellationToken: ct)) > 0);
    }

    public async Task<ApiKeyRow?> FindByIdAsync(long id, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            "SELECT * FROM api_keys WHERE id = @id AND deleted_at IS NULL", new { id }, cancellationToken: ct));
    }

    /// <summary>Records a management signature; false when it was already used (a replay).</summary>
    public async Task<bool> TryUseSignatureAsync(string signatureHash, long expiresAt, long now, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM used_signatures WHERE expires_at < @now", new { now }, cancellationToken: ct));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO used_signatures (signature_hash, expires_at) VALUES (@signatureHash, @expiresAt)",
                new { signatureHash, expiresAt }, cancellationToken: ct));
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }
}
