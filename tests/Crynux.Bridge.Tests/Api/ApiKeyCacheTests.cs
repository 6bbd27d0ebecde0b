using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Bridge.Tests.Api;

/// <summary>The key cache runs on the injected clock: a change made by another instance shows once a second has passed on it.</summary>
public sealed class ApiKeyCacheTests
{
    [Fact]
    public async Task A_cached_key_is_read_again_after_a_second_on_the_injected_clock()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("crynux-key-cache-").FullName;
        try
        {
            var db = Database.FromOptions(TestDatabases.Create("sqlite", dir), dir);
            await db.MigrateAsync(ct);
            var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
            var cached = new ApiKeyStore(db, time);
            var other = new ApiKeyStore(db, time); // another bridge instance on the same database
            var key = ApiKeys.NewKey();
            var client = EthAddress.ToChecksum("0x" + new string('5', 40));
            var now = time.GetUtcNow();
            await other.CreateOrRotateAsync(client, ApiKeys.Hash(key), ApiKeys.Preview(key), now.AddDays(1).ToUnixTimeSeconds(), 5, 60,
                now.ToUnixTimeMilliseconds(), ct);

            Assert.Equal(5, (await cached.FindByHashAsync(ApiKeys.Hash(key), ct))!.UseLimit);
            await other.SetUseLimitAsync(client, 9, now.ToUnixTimeMilliseconds(), ct);
            time.Advance(TimeSpan.FromMilliseconds(999));
            Assert.Equal(5, (await cached.FindByHashAsync(ApiKeys.Hash(key), ct))!.UseLimit);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(9, (await cached.FindByHashAsync(ApiKeys.Hash(key), ct))!.UseLimit);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
