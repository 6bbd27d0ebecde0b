using Crynux.Bridge.Data;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Bridge.Tests.Responses;

public sealed class ResponseStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crynux-responses-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ResponseRow Row(string id, long apiKeyId, long createdAt, long expiresAt) => new()
    {
        Id = id,
        ApiKeyId = apiKeyId,
        ClientTaskId = 1,
        Status = "in_progress",
        Body = "{}",
        CreatedAt = createdAt,
        ExpiresAt = expiresAt,
    };

    [Fact]
    public async Task Rows_are_per_key_final_once_finished_and_gone_after_their_expiry()
    {
        var db = new Database(DbDriver.Sqlite, $"Data Source={Path.Combine(_dir, "b.db")}");
        await db.MigrateAsync(TestContext.Current.CancellationToken);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var store = new ResponseStore(db, time);
        var ct = TestContext.Current.CancellationToken;
        await store.InsertAsync(Row("resp_a", 1, 1_000_000, 1_000_000 + 60_000), ct);
        await store.InsertAsync(Row("resp_forever", 1, 1_000_000, 0), ct);

        Assert.Null(await store.GetAsync(2, "resp_a", ct));
        Assert.True(await store.FinishAsync("resp_a", "completed", "{\"done\":1}", "[]", ct));
        Assert.False(await store.FinishAsync("resp_a", "failed", "{}", null, ct));
        var row = await store.GetAsync(1, "resp_a", ct);
        Assert.Equal(("completed", "{\"done\":1}", "[]"), (row!.Status, row.Body, row.Conversation));

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Null(await store.GetAsync(1, "resp_a", ct));
        Assert.False(await store.DeleteAsync(1, "resp_a", ct));
        Assert.NotNull(await store.GetAsync(1, "resp_forever", ct));
        Assert.False(await store.DeleteAsync(2, "resp_forever", ct));
        Assert.True(await store.DeleteAsync(1, "resp_forever", ct));
    }
}
