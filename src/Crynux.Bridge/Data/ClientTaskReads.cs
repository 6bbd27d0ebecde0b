using System.Globalization;
using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>Reads of today's raw-task contract: many client tasks at once, and the numeric ids of clients.</summary>
public static class ClientTaskReads
{
    public static async Task<IReadOnlyList<ClientTaskRow>> GetManyAsync(Database db, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (ids.Count == 0)
        {
            return [];
        }
        // The ids are integers, written into the list; every database takes that form (not all expand a list parameter).
        var list = string.Join(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        await using var connection = await db.OpenAsync(ct);
        return [.. await connection.QueryAsync<ClientTaskRow>(new CommandDefinition(
            $"SELECT * FROM client_tasks WHERE id IN ({list})", cancellationToken: ct))];
    }

    /// <summary>The numeric row id of each client (clients.id), which today's clients read as client_id.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> ClientNumbersAsync(Database db, IReadOnlyCollection<string> clientIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (clientIds.Count == 0)
        {
            return new Dictionary<string, long>();
        }
        var parameters = new DynamicParameters();
        var names = clientIds.Select((id, i) =>
        {
            parameters.Add("c" + i.ToString(CultureInfo.InvariantCulture), id);
            return "@c" + i.ToString(CultureInfo.InvariantCulture);
        }).ToList();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long Id, string ClientId)>(new CommandDefinition(
            $"SELECT id, client_id FROM clients WHERE client_id IN ({string.Join(',', names)})", parameters, cancellationToken: ct));
        return rows.ToDictionary(r => r.ClientId, r => r.Id, StringComparer.OrdinalIgnoreCase);
    }
}
