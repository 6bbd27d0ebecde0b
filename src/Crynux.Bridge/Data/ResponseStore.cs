using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>
/// Responses the bridge made, per API key, for GET/DELETE /v1/responses/{id} and previous_response_id. Rows past their
/// expiry (the result retention) are invisible and removed now and then by the writes.
/// </summary>
public sealed class ResponseStore(Database db, TimeProvider time)
{
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    private long _nextPurge;

    public async Task InsertAsync(ResponseRow row, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(row);
        await PurgeExpiredAsync(ct);
        await using var write = await db.OpenWriteAsync(ct);
        await write.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO llm_responses (id, api_key_id, client_task_id, status, body, conversation, created_at, expires_at, request) " +
            "VALUES (@Id, @ApiKeyId, @ClientTaskId, @Status, @Body, @Conversation, @CreatedAt, @ExpiresAt, @Request)", row, cancellationToken: ct));
    }

    /// <summary>Records the outcome; only an in-progress row changes (a finished response is final).</summary>
    public async Task<bool> FinishAsync(string id, string status, string body, string? conversation, CancellationToken ct)
    {
        await using var write = await db.OpenWriteAsync(ct);
        return await write.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE llm_responses SET status = @status, body = @body, conversation = @conversation, request = NULL " +
            "WHERE id = @id AND status = 'in_progress'",
            new { id, status, body, conversation }, cancellationToken: ct)) > 0;
    }

    /// <summary>The key's live response with this id, or null (unknown, another key's, expired or deleted).</summary>
    public async Task<ResponseRow?> GetAsync(long apiKeyId, string id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ResponseRow>(new CommandDefinition(
            "SELECT * FROM llm_responses WHERE id = @id AND api_key_id = @apiKeyId AND (expires_at = 0 OR expires_at > @now)",
            new { id, apiKeyId, now = Now }, cancellationToken: ct));
    }

    /// <summary>The response that belongs to a client task (an Idempotency-Key replay), or null.</summary>
    public async Task<ResponseRow?> GetByTaskAsync(long apiKeyId, long clientTaskId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<ResponseRow>(new CommandDefinition(
            "SELECT * FROM llm_responses WHERE client_task_id = @clientTaskId AND api_key_id = @apiKeyId",
            new { clientTaskId, apiKeyId }, cancellationToken: ct));
    }

    /// <summary>Live responses still in progress that carry their request: those a restarted bridge finishes.</summary>
    public async Task<IReadOnlyList<ResponseRow>> ListUnfinishedAsync(int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ResponseRow>(new CommandDefinition(
            "SELECT * FROM llm_responses WHERE status = 'in_progress' AND request IS NOT NULL AND (expires_at = 0 OR expires_at > @now) " +
            "ORDER BY created_at LIMIT " + limit,
            new { now = Now }, cancellationToken: ct));
        return [.. rows];
    }

    public async Task<bool> DeleteAsync(long apiKeyId, string id, CancellationToken ct)
    {
        await using var write = await db.OpenWriteAsync(ct);
        return await write.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM llm_responses WHERE id = @id AND api_key_id = @apiKeyId AND (expires_at = 0 OR expires_at > @now)",
            new { id, apiKeyId, now = Now }, cancellationToken: ct)) > 0;
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task PurgeExpiredAsync(CancellationToken ct)
    {
        var now = Now;
        var next = Interlocked.Read(ref _nextPurge);
        if (now < next || Interlocked.CompareExchange(ref _nextPurge, now + (long)PurgeEvery.TotalMilliseconds, next) != next)
        {
            return;
        }
        await using var write = await db.OpenWriteAsync(ct);
        await write.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM llm_responses WHERE expires_at > 0 AND expires_at <= @now", new { now }, cancellationToken: ct));
    }
}
