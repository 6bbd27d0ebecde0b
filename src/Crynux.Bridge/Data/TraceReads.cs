using System.Globalization;
using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>
/// Reads for task traces and the console: filtered pages of client tasks, and the Relay tasks and events of many client
/// tasks at once (three queries for a whole page, never one per task).
/// </summary>
public sealed class TraceReads(Database db)
{
    /// <summary>Relay-task columns without task_args (which can be large and is not shown).</summary>
    private const string MemberColumns =
        "id, client_task_id, group_id, is_validation, task_type, task_model_ids, task_version, task_fee, task_size, status, stage, task_id, " +
        "task_id_commitment, sequence, need_validation, selected_node, abort_reason, task_error, validate_sent, cancel_sent, attempts, outcome_unknown, " +
        "last_error, created_by, created_at, updated_at, relay_created_at, downloaded_at";

    public Database Database => db;

    /// <summary>Newest first; one row more than <paramref name="limit"/> when there are more (the caller says so).</summary>
    public async Task<List<ClientTaskRow>> ListAsync(TaskFilter filter, int limit, int offset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (where, parameters) = Where(filter);
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ClientTaskRow>(new CommandDefinition(
            "SELECT id, public_id, client_id, api_key_id, kind, status, error, failed_count, result_task_id, is_open, created_at, updated_at, finished_at " +
            $"FROM client_tasks c{where} ORDER BY c.id DESC LIMIT {limit.ToString(CultureInfo.InvariantCulture)} OFFSET {offset.ToString(CultureInfo.InvariantCulture)}",
            parameters, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The id below which client tasks fall out of the traces (only the newest <paramref name="keep"/> are traced); 0 when all are kept.</summary>
    public async Task<long> TraceFloorAsync(int keep, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT id FROM client_tasks ORDER BY id DESC LIMIT 1 OFFSET {Math.Max(0, keep - 1).ToString(CultureInfo.InvariantCulture)}", cancellationToken: ct)) ?? 0;
    }

    /// <summary>The client task of a task id: a Relay task id (0x + 64 hex; shared by a group's members), a commitment, or the public id.</summary>
    public async Task<ClientTaskRow?> FindAsync(string taskId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var clientTaskId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT client_task_id FROM inference_tasks WHERE task_id = @taskId ORDER BY id LIMIT 1", new { taskId }, cancellationToken: ct))
            ?? await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT client_task_id FROM inference_tasks WHERE task_id_commitment = @taskId", new { taskId }, cancellationToken: ct));
        var sql = "SELECT * FROM client_tasks WHERE " + (clientTaskId is null ? "public_id = @taskId" : "id = @clientTaskId");
        return await connection.QuerySingleOrDefaultAsync<ClientTaskRow>(new CommandDefinition(sql, new { taskId, clientTaskId }, cancellationToken: ct));
    }

    public async Task<ILookup<long, InferenceTaskRow>> MembersAsync(IReadOnlyCollection<long> clientTaskIds, CancellationToken ct)
    {
        if (clientTaskIds.Count == 0)
        {
            return Array.Empty<InferenceTaskRow>().ToLookup(m => m.ClientTaskId);
        }
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<InferenceTaskRow>(new CommandDefinition(
            $"SELECT {MemberColumns} FROM inference_tasks WHERE client_task_id IN ({IdList(clientTaskIds)}) ORDER BY id", cancellationToken: ct));
        return rows.ToLookup(m => m.ClientTaskId);
    }

    public async Task<ILookup<string, TaskEventRow>> EventsAsync(IReadOnlyCollection<long> clientTaskIds, CancellationToken ct)
    {
        if (clientTaskIds.Count == 0)
        {
            return Array.Empty<TaskEventRow>().ToLookup(e => e.TaskIdCommitment);
        }
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<TaskEventRow>(new CommandDefinition(
            $"SELECT * FROM task_events WHERE client_task_id IN ({IdList(clientTaskIds)}) ORDER BY created_at, id", cancellationToken: ct));
        return rows.ToLookup(e => e.TaskIdCommitment, StringComparer.Ordinal);
    }

    /// <summary>Ids are integers, written into the SQL (every database takes that form; not all expand a list parameter).</summary>
    private static string IdList(IEnumerable<long> ids) => string.Join(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));

    private static (string Where, DynamicParameters Parameters) Where(TaskFilter f)
    {
        var clauses = new List<string>();
        var p = new DynamicParameters();
        if (f.ApiKeyId is { } keyId)
        {
            clauses.Add("c.api_key_id = @keyId");
            p.Add("keyId", keyId);
        }
        if (f.ClientId is { } clientId)
        {
            clauses.Add("c.client_id = @clientId");
            p.Add("clientId", clientId);
        }
        if (f.Status is { } status)
        {
            clauses.Add("c.status = @status");
            p.Add("status", status);
        }
        if (f.From is { } from)
        {
            clauses.Add("c.created_at >= @from");
            p.Add("from", from);
        }
        if (f.To is { } to)
        {
            clauses.Add("c.created_at < @to");
            p.Add("to", to);
        }
        if (f.MinId is { } minId)
        {
            clauses.Add("c.id >= @minId");
            p.Add("minId", minId);
        }
        if (f.Kinds is { Count: > 0 } kinds)
        {
            clauses.Add("c.kind IN (" + string.Join(',', kinds.Select((_, i) => "@kind" + i.ToString(CultureInfo.InvariantCulture))) + ")");
            for (var i = 0; i < kinds.Count; i++)
            {
                p.Add("kind" + i.ToString(CultureInfo.InvariantCulture), kinds[i]);
            }
        }
        if (f.Model is { } model)
        {
            // Any part of a model id (task_model_ids is ';'-joined, e.g. "base:Qwen/Qwen2.5-7B"), in any case (PostgreSQL's
            // LIKE is case-sensitive); LIKE's wildcards escaped.
            clauses.Add("EXISTS (SELECT 1 FROM inference_tasks i WHERE i.client_task_id = c.id AND LOWER(i.task_model_ids) LIKE @model ESCAPE '!')");
            p.Add("model", "%" + model.ToLowerInvariant().Replace("!", "!!", StringComparison.Ordinal).Replace("%", "!%", StringComparison.Ordinal)
                .Replace("_", "!_", StringComparison.Ordinal) + "%");
        }
        return (clauses.Count == 0 ? "" : " WHERE " + string.Join(" AND ", clauses), p);
    }
}
