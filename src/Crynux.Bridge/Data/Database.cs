using System.Data.Common;
using Crynux.Bridge.Configuration;
using FluentMigrator.Runner;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Crynux.Bridge.Data;

/// <summary>Opens connections to the configured database and knows the few SQL differences between the three.</summary>
public sealed class Database
{
    // SQLite has one writer at a time. Queueing writers here, in order, replaces SQLite's busy handler, which sleeps in
    // growing steps (up to 100 ms) while another connection of this same process holds the lock.
    private readonly SemaphoreSlim? _sqliteWriteGate;

    public Database(DbDriver driver, string connectionString)
    {
        Driver = driver;
        ConnectionString = connectionString;
        _sqliteWriteGate = driver == DbDriver.Sqlite ? new SemaphoreSlim(1, 1) : null;
    }

    public DbDriver Driver { get; }

    public string ConnectionString { get; }

    public static Database FromOptions(DbOptions db, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Driver switch
        {
            "mysql" => new Database(DbDriver.MySql, ConnectionStrings.MySql(db.Connection)),
            "postgres" => new Database(DbDriver.Postgres, ConnectionStrings.Postgres(db.Connection)),
            _ => new Database(DbDriver.Sqlite, ConnectionStrings.Sqlite(db.Connection, dataDir)),
        };
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        DbConnection connection = Driver switch
        {
            DbDriver.MySql => new MySqlConnection(ConnectionString),
            DbDriver.Postgres => new NpgsqlConnection(ConnectionString),
            _ => new SqliteConnection(ConnectionString),
        };
        try
        {
            await connection.OpenAsync(ct);
            if (connection is SqliteConnection)
            {
                // SQLite's own busy handler waits in small steps; without it Microsoft.Data.Sqlite retries a locked
                // database only every 150 ms, which put a 150 ms floor under every contended write.
                await using var busy = connection.CreateCommand();
                busy.CommandText = "PRAGMA busy_timeout = 30000;";
                await busy.ExecuteNonQueryAsync(ct);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return connection;
    }

    /// <summary>
    /// A connection for a write (or a write transaction). On SQLite it also holds this process's write turn until disposed,
    /// so keep only database work inside it.
    /// </summary>
    public async Task<WriteConnection> OpenWriteAsync(CancellationToken ct = default)
    {
        if (_sqliteWriteGate is null)
        {
            return new WriteConnection(await OpenAsync(ct), null);
        }
        await _sqliteWriteGate.WaitAsync(ct);
        try
        {
            return new WriteConnection(await OpenAsync(ct), _sqliteWriteGate);
        }
        catch
        {
            _sqliteWriteGate.Release();
            throw;
        }
    }

    /// <summary>An INSERT with this suffix returns the new row's id as a scalar.</summary>
    public string ReturningId => Driver == DbDriver.MySql ? "; SELECT LAST_INSERT_ID();" : " RETURNING id;";

    /// <summary>Creates the database when it is missing (MySQL, PostgreSQL), then runs every migration.</summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        switch (Driver)
        {
            case DbDriver.Sqlite:
                var file = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
                if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } dir)
                {
                    Directory.CreateDirectory(dir);
                }
                await using (var connection = await OpenAsync(ct))
                await using (var wal = connection.CreateCommand())
                {
                    // WAL lets readers run beside the one writer; the engine and the API write concurrently.
                    wal.CommandText = "PRAGMA journal_mode=WAL;";
                    await wal.ExecuteNonQueryAsync(ct);
                }
                break;
            case DbDriver.MySql:
                await EnsureMySqlDatabaseAsync(ct);
                break;
            case DbDriver.Postgres:
                await EnsurePostgresDatabaseAsync(ct);
                break;
        }

        var services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner =>
            {
                _ = Driver switch
                {
                    DbDriver.MySql => runner.AddMySql5(),
                    DbDriver.Postgres => runner.AddPostgres(),
                    _ => runner.AddSQLite(),
                };
                runner.WithGlobalConnectionString(ConnectionString).ScanIn(typeof(Database).Assembly).For.Migrations();
            })
            .BuildServiceProvider(false);
        await using (services)
        {
            services.GetRequiredService<IMigrationRunner>().MigrateUp();
        }
    }

    private async Task EnsureMySqlDatabaseAsync(CancellationToken ct)
    {
        var builder = new MySqlConnectionStringBuilder(ConnectionString);
        var name = builder.Database;
        if (string.IsNullOrEmpty(name))
        {
            throw new ConfigException("db.connection", "names no database");
        }
        builder.Database = "";
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE IF NOT EXISTS `{name.Replace("`", "``", StringComparison.Ordinal)}` CHARACTER SET utf8mb4";
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task EnsurePostgresDatabaseAsync(CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var name = builder.Database;
        if (string.IsNullOrEmpty(name))
        {
            throw new ConfigException("db.connection", "names no database");
        }
        builder.Database = "postgres";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT 1 FROM pg_database WHERE datname = @name";
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = connection.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            try
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == "42P04")
            {
                // Created by another instance in the meantime.
            }
        }
    }
}
