using System.Data.Common;
using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>
/// Records a Relay task's events (task_events) where the engine moves it: a read and a one-row INSERT per transition, in
/// the caller's transaction when there is one. Each event name is kept at most once per task and status (a repeated update
/// or a second instance recording the same change adds nothing).
/// </summary>
public static class TaskEventLog
{
    /// <summary>The event a status change records (the upstream bridge's names).</summary>
    public static string? ForStatus(InferenceStatus status) => status switch
    {
        InferenceStatus.Created => TaskEventNames.RelayTaskCreated,
        InferenceStatus.Started => TaskEventNames.TaskStarted,
        InferenceStatus.ParamsUploaded => TaskEventNames.ParametersUploaded,
        InferenceStatus.ScoreReady => TaskEventNames.ScoreReady,
        InferenceStatus.ErrorReported => TaskEventNames.ErrorReported,
        InferenceStatus.Validated => TaskEventNames.ValidationPassed,
        InferenceStatus.EndAborted => TaskEventNames.TaskAborted,
        InferenceStatus.EndGroupRefund => TaskEventNames.TaskGroupRefunded,
        InferenceStatus.EndInvalidated => TaskEventNames.TaskInvalidated,
        InferenceStatus.EndSuccess => TaskEventNames.TaskExecutionSucceeded,
        InferenceStatus.ResultDownloaded => TaskEventNames.ResultDownloaded,
        _ => null,
    };

    /// <summary>
    /// Records <paramref name="name"/> for the Relay task found by <paramref name="column"/> = <paramref name="key"/>
    /// (<c>id</c> or <c>task_id_commitment</c>), with the task's status as stored now (or <paramref name="status"/>).
    /// </summary>
    /// <remarks>
    /// A plain read, then a plain one-row INSERT: an INSERT … SELECT is a bulk insert to InnoDB, which takes the table's
    /// AUTO-INC lock for the whole statement and shared locks on what it reads, and concurrent ones deadlocked on MariaDB
    /// (seen as "Failed to read auto-increment value from storage engine"). Only the lease holder records a task's events.
    /// </remarks>
    public static async Task RecordAsync(DbConnection connection, DbTransaction? tx, string column, object key, string name, InferenceStatus? status,
        string? details, long now, CancellationToken ct)
    {
        var task = await connection.QuerySingleOrDefaultAsync<(long ClientTaskId, string Commitment, long Status, long Seen)>(new CommandDefinition(
            "SELECT t.client_task_id, t.task_id_commitment, COALESCE(@status, t.status), (SELECT COUNT(*) FROM task_events e " +
            "WHERE e.task_id_commitment = t.task_id_commitment AND e.name = @name AND e.task_status = COALESCE(@status, t.status)) " +
            $"FROM inference_tasks t WHERE t.{column} = @key", new { key, name, status = (int?)status }, tx, cancellationToken: ct));
        if (task.Commitment is null || task.Seen > 0)
        {
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO task_events (client_task_id, task_id_commitment, name, task_status, details, created_at) " +
            "VALUES (@ClientTaskId, @Commitment, @name, @Status, @details, @now)",
            new { task.ClientTaskId, task.Commitment, name, Status = (int)task.Status, details = details is null ? null : Truncate(details), now }, tx, cancellationToken: ct));
    }

    private static string Truncate(string text) => text.Length <= 990 ? text : text[..990];
}
