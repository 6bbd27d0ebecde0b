using System.Net;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Crynux.Bridge.Tests.Observability;

/// <summary>/readyz names the check that fails.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Readyz_is_503_naming_the_database_while_it_cannot_be_opened_and_200_once_it_can()
    {
        await using var bridge = await TestBridge.StartAsync();
        var file = new SqliteConnectionStringBuilder(bridge.Service<Database>().ConnectionString).DataSource;
        Assert.True(File.Exists(file));

        // The database goes away: its file is moved aside and a directory takes its name, so no connection can open.
        SqliteConnection.ClearAllPools();
        File.Move(file, file + ".away");
        Directory.CreateDirectory(file);
        try
        {
            using var response = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, "readyz"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = await TestBridge.JsonAsync(response);
            Assert.Equal("not_ready", body.GetProperty("status").GetString());
            Assert.Equal(["database"], body.GetProperty("failing").EnumerateArray().Select(e => e.GetString()));
            Assert.NotEqual("ok", body.GetProperty("database").GetString());
            Assert.Equal("ok", body.GetProperty("relay").GetString());

            using var health = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, "healthz"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            Directory.Delete(file);
            File.Move(file + ".away", file);
            SqliteConnection.ClearAllPools();
        }

        using var ready = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, "readyz"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Empty((await TestBridge.JsonAsync(ready)).GetProperty("failing").EnumerateArray());
    }
}
