using System.Data;
using System.Reflection;
using System.Text;
using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>
/// One INSERT statement for many rows (one round trip instead of one per row). Columns are snake_case names of
/// <typeparamref name="T"/>'s properties; the same SQL works on SQLite, MySQL and PostgreSQL.
/// </summary>
internal static class MultiRowInsert<T>
{
    private static readonly Dictionary<string, PropertyInfo> Properties =
        typeof(T).GetProperties().ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The statements (with their parameters) that insert <paramref name="rows"/>, in order.</summary>
    public static IEnumerable<(string Sql, DynamicParameters Parameters)> Statements(DbDriver driver, string table, string columnList, IReadOnlyList<T> rows)
    {
        // SQLite finds a named parameter by a linear search over the statement's names, so binding costs grow with the
        // square of the count: keep its statements small. The others map names in a hash table.
        var maxParameters = driver == DbDriver.Sqlite ? 256 : 8000;
        var columns = columnList.Split(',', StringSplitOptions.TrimEntries);
        var getters = columns.Select(c => Properties[c.Replace("_", "", StringComparison.Ordinal)]).ToArray();
        // Typed, so that a null is a typed null (PostgreSQL refuses an untyped one in some positions).
        var types = getters.Select(p => TypeOf(p.PropertyType)).ToArray();
        var perStatement = Math.Max(1, maxParameters / columns.Length);
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var sql = new StringBuilder($"INSERT INTO {table} ({columnList}) VALUES ");
            var parameters = new DynamicParameters();
            var end = Math.Min(rows.Count, start + perStatement);
            for (var r = start; r < end; r++)
            {
                sql.Append(r == start ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = $"r{r - start}c{c}";
                    sql.Append(c == 0 ? "@" : ", @").Append(name);
                    parameters.Add(name, getters[c].GetValue(rows[r]), types[c]);
                }
                sql.Append(')');
            }
            yield return (sql.ToString(), parameters);
        }
    }

    private static DbType TypeOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(long) => DbType.Int64,
        var t when t == typeof(int) => DbType.Int32,
        var t when t == typeof(string) => DbType.String,
        var t => throw new NotSupportedException($"column type {t.Name}"),
    };
}
