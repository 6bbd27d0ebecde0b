namespace Crynux.Bridge.Data;

/// <summary>The first start-up step: creates the database if needed and migrates the schema before anything uses it.</summary>
public sealed class DatabaseMigration(Database db) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => db.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
