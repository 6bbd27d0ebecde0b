using System.Data.Common;

namespace Crynux.Bridge.Data;

/// <summary>An open connection for writing; disposing it closes the connection and gives the write turn back.</summary>
public sealed class WriteConnection(DbConnection connection, SemaphoreSlim? gate) : IAsyncDisposable
{
    public DbConnection Connection { get; } = connection;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.DisposeAsync();
        }
        finally
        {
            gate?.Release();
        }
    }
}
