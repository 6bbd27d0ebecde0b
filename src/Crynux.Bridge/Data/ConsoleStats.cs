using System.Globalization;
using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>
/// The console's overview queries: outcomes and times to result over a window, fees paid, and what is open now. A few
/// grouped queries per call, whatever the number of tasks (the durations of successes are read to take percentiles).
/// </summary>
public sealed class ConsoleStats(Database db)
{
    /// <summary>Client tasks that ended in the window, per bucket (index from <paramref name="from"/>) and status.</summary>
    public async Task<List<(long Bucket, string Status, long Count)>> OutcomesAsync(long from, long to, long bucketMs, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long, string, long)>(new CommandDefinition(
            $"SELECT (finished_at - @from) {Div} @bucketMs AS bucket, status, COUNT(*) AS n FROM client_tasks " +
            "WHERE finished_at >= @from AND finished_at < @to GROUP BY 1, 2", new { from, to, bucketMs }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Finish time and time to result (ms) of every success in the window.</summary>
    public async Task<List<(long FinishedAt, long Took)>> SuccessDurationsAsync(long from, long to, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long, long)>(new CommandDefinition(
            "SELECT finished_at, finished_at - created_at FROM client_tasks WHERE finished_at >= @from AND finished_at < @to AND status = @success",
            new { from, to, success = ClientTaskStatus.Success }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// Fees of Relay tasks that were paid (validated, succeeded, downloaded or invalidated: not aborted or refunded), of
    /// client tasks that ended in the window, with the end time.
    /// </summary>
    public async Task<List<(long FinishedAt, string FeeWei)>> PaidFeesAsync(long from, long to, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long, string)>(new CommandDefinition(
            "SELECT c.finished_at, i.task_fee FROM client_tasks c JOIN inference_tasks i ON i.client_task_id = c.id " +
            "WHERE c.finished_at >= @from AND c.finished_at < @to AND i.status IN " +
            $"({(int)InferenceStatus.Validated}, {(int)InferenceStatus.EndInvalidated}, {(int)InferenceStatus.EndSuccess}, {(int)InferenceStatus.ResultDownloaded})",
            new { from, to }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Relay tasks of open client tasks that are not finished, per stage.</summary>
    public async Task<List<(int Stage, long Count)>> OpenByStageAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(int, long)>(new CommandDefinition(
            "SELECT i.stage, COUNT(*) FROM client_tasks c JOIN inference_tasks i ON i.client_task_id = c.id " +
            $"WHERE c.is_open = 1 AND i.stage < {Stages.Finished.ToString(CultureInfo.InvariantCulture)} GROUP BY i.stage", cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Client tasks admitted in the window, per status.</summary>
    public async Task<List<(string Status, long Count)>> AdmittedAsync(long from, long to, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string, long)>(new CommandDefinition(
            "SELECT status, COUNT(*) FROM client_tasks WHERE created_at >= @from AND created_at < @to GROUP BY status", new { from, to }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Integer division: MySQL's "/" gives a decimal.</summary>
    private string Div => db.Driver == DbDriver.MySql ? "DIV" : "/";
}
