using System.Data.Common;
using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>Fine-tune jobs: the round counter that guards each next round, and the round that finished the job.</summary>
public sealed class FineTuneStore(Database db, TaskStore tasks)
{
    private Database Db => db;

    /// <summary>
    /// The job row of a client task, written on first use with <paramref name="rounds"/> (its Relay tasks so far); a
    /// second writer at the same moment loses to the first, whose row is returned.
    /// </summary>
    public async Task<FineTuneJobRow> EnsureAsync(long clientTaskId, int rounds, long now, CancellationToken ct)
    {
        if (await GetAsync(clientTaskId, ct) is { } job)
        {
            return job;
        }
        try
        {
            await using var write = await Db.OpenWriteAsync(ct);
            await write.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO finetune_jobs (client_task_id, rounds_created, finished_task_id, created_at, updated_at) VALUES (@clientTaskId, @rounds, NULL, @now, @now)",
                new { clientTaskId, rounds, now }, cancellationToken: ct));
        }
        catch (DbException)
        {
            // Written by another pass or instance in the meantime: read theirs.
        }
        return await GetAsync(clientTaskId, ct) ?? throw new InvalidOperationException($"fine-tune job {clientTaskId} vanished");
    }

    public async Task<FineTuneJobRow?> GetAsync(long clientTaskId, CancellationToken ct)
    {
        await using var connection = await Db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<FineTuneJobRow>(new CommandDefinition(
            "SELECT * FROM finetune_jobs WHERE client_task_id = @clientTaskId", new { clientTaskId }, cancellationToken: ct));
    }

    /// <summary>
    /// Adds the next round (or a failed round's retry) once: only when the job still has <paramref name="expected"/>
    /// rounds, in the same transaction as the counter. Returns false when that round was added before.
    /// </summary>
    public async Task<bool> AddRoundAsync(long clientTaskId, int expected, InferenceTaskRow round, long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(round);
        await using var write = await Db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await using var tx = await connection.BeginTransactionAsync(ct);
        var counted = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE finetune_jobs SET rounds_created = rounds_created + 1, updated_at = @now WHERE client_task_id = @clientTaskId AND rounds_created = @expected",
            new { clientTaskId, expected, now }, tx, cancellationToken: ct));
        if (counted == 0)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        round.ClientTaskId = clientTaskId;
        await tasks.InsertInferenceAsync(connection, tx, round, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Records the round whose checkpoint carries FINISH (before the round counts as downloaded).</summary>
    public async Task MarkFinishedAsync(long clientTaskId, long roundId, long now, CancellationToken ct)
    {
        await using var write = await Db.OpenWriteAsync(ct);
        await write.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE finetune_jobs SET finished_task_id = @roundId, updated_at = @now WHERE client_task_id = @clientTaskId",
            new { clientTaskId, roundId, now }, cancellationToken: ct));
    }
}
