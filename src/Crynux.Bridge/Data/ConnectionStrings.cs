using System.Text.RegularExpressions;
using Crynux.Bridge.Configuration;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Crynux.Bridge.Data;

/// <summary>Turns the product's db.connection values (Go DSNs included) into ADO.NET connection strings.</summary>
public static partial class ConnectionStrings
{
    // user:pass@(host:port)/db?params or user:pass@tcp(host:port)/db?params, as go-sql-driver/mysql writes them.
    [GeneratedRegex(@"^(?<user>[^:@/]*)(:(?<pass>[^@]*))?@(tcp|unix)?\((?<addr>[^)]*)\)/(?<db>[^?]*)(\?(?<query>.*))?$")]
    private static partial Regex GoDsn();

    public static string MySql(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new MySqlConnectionStringBuilder();
        var match = GoDsn().Match(value.Trim());
        if (match.Success)
        {
            var address = match.Groups["addr"].Value;
            var colon = address.LastIndexOf(':');
            builder.Server = colon > 0 ? address[..colon] : address;
            builder.Port = colon > 0 && uint.TryParse(address[(colon + 1)..], out var port) ? port : 3306;
            builder.UserID = Uri.UnescapeDataString(match.Groups["user"].Value);
            builder.Password = Uri.UnescapeDataString(match.Groups["pass"].Value);
            builder.Database = match.Groups["db"].Value;
        }
        else
        {
            try
            {
                builder.ConnectionString = value;
            }
            catch (ArgumentException e)
            {
                throw new ConfigException("db.connection", "is neither a Go DSN (user:pass@(host:3306)/db) nor an ADO.NET connection string: " + e.Message);
            }
        }
        // Pooled connections, and room for the engine workers and the API beside each other.
        builder.MaximumPoolSize = Math.Max(builder.MaximumPoolSize, 200);
        builder.AllowUserVariables = true;
        return builder.ConnectionString;
    }

    public static string Postgres(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new NpgsqlConnectionStringBuilder();
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "postgres" or "postgresql")
        {
            var user = uri.UserInfo.Split(':', 2);
            builder.Host = uri.Host;
            builder.Port = uri.Port > 0 ? uri.Port : 5432;
            builder.Username = Uri.UnescapeDataString(user[0]);
            builder.Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null;
            builder.Database = uri.AbsolutePath.Trim('/');
        }
        else
        {
            try
            {
                builder.ConnectionString = value;
            }
            catch (ArgumentException e)
            {
                throw new ConfigException("db.connection", "is not a PostgreSQL connection string: " + e.Message);
            }
        }
        builder.MaxPoolSize = Math.Max(builder.MaxPoolSize, 200);
        return builder.ConnectionString;
    }

    public static string Sqlite(string value, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = value.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(value)
            : new SqliteConnectionStringBuilder { DataSource = value.Length > 0 ? value : Path.Combine(dataDir, "crynux_bridge.db") };
        builder.Pooling = true;
        // Seconds a writer waits for the lock before SQLITE_BUSY.
        builder.DefaultTimeout = Math.Max(builder.DefaultTimeout, 30);
        return builder.ConnectionString;
    }
}
