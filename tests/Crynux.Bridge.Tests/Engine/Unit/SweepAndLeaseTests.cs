using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Engine.Services;
using Crynux.Bridge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Bridge.Tests.Engine.Unit;

/// <summary>The sweep and lease expiry on a fake clock (leases on a real SQLite database).</summary>
public sealed class SweepAndLeaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Recorder : IEngineScheduler
    {
        public List<long> Driven { get; } = [];

        public void Drive(long clientTaskId) => Driven.Add(clientTaskId);

        public void DriveAfter(long clientTaskId, TimeSpan delay) => Driven.Add(clientTaskId);

        public void RelayActed()
        {
        }
    }

    [Fact]
    public void The_sweep_resyncs_a_task_quiet_for_an_interval_and_waits_twice_as_long_each_time_after()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var open = new OpenTasks();
        var scheduler = new Recorder();
        var options = new BridgeOptions { Relay = new RelayOptions { ReconcileIntervalSeconds = 60 } };
        var sweep = new SweepService(open, scheduler, options, time, NullLogger<SweepService>.Instance);
        open.Add("0xa", 7, time.GetUtcNow().ToUnixTimeMilliseconds());

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(sweep.SweepOnce());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([7L], sweep.SweepOnce());
        Assert.True(open.TakeSync(7), "the sweep asks for a GET resync");

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(sweep.SweepOnce()); // second resync after 2 intervals
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal([7L], sweep.SweepOnce());

        open.Touch("0xa", time.GetUtcNow().ToUnixTimeMilliseconds()); // an event: the task is alive
        open.RemoveClientTask(7);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(sweep.SweepOnce());
    }

    [Fact]
    public async Task A_lease_not_renewed_expires_and_another_instance_takes_the_task_with_a_resync()
    {
        var dir = Directory.CreateTempSubdirectory("crynux-lease-").FullName;
        try
        {
            var db = Database.FromOptions(TestDatabases.Create("sqlite", dir), dir);
            await db.MigrateAsync(Ct);
            var store = new TaskStore(db);
            var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(5_000_000));
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var options = new BridgeOptions { Engine = new EngineOptions { LeaseSeconds = 60 } };
            var task = new ClientTaskRow { PublicId = "p1", ClientId = "c", Kind = ClientTaskKind.Raw, LeaseOwner = "a", LeaseExpiresAt = now + 60_000, CreatedAt = now, UpdatedAt = now };
            var member = new InferenceTaskRow { TaskIdCommitment = "0x01", TaskId = "0x02", Nonce = "0x03", CreatedBy = "a", CreatedAt = now, UpdatedAt = now };
            await store.InsertAsync([new NewClientTask(task, [member], null)], Ct);

            using var lifetime = new TestLifetime();
            var openB = new OpenTasks();
            var schedulerB = new Recorder();
            using var eventsB = new EngineScheduler(new WorkSet(), time, lifetime);
            var leasesB = new LeaseService(store, openB, schedulerB, eventsB, options, new EngineIdentity("b"), time, NullLogger<LeaseService>.Instance);

            Assert.Empty(await leasesB.RunOnceAsync(Ct)); // a's lease holds
            time.Advance(TimeSpan.FromSeconds(59));
            Assert.Empty(await leasesB.RunOnceAsync(Ct));
            time.Advance(TimeSpan.FromSeconds(2));
            Assert.Equal([task.Id], await leasesB.RunOnceAsync(Ct));
            Assert.Equal("b", (await store.GetClientTaskAsync(task.Id, Ct))!.LeaseOwner);
            Assert.True(openB.TryGetClientTask("0x01", out var owner) && owner == task.Id, "b follows the task's commitments in the event stream");
            Assert.True(openB.TakeSync(task.Id), "b resyncs the task: the events of the gap are unknown");
            Assert.Equal([task.Id], schedulerB.Driven);

            // a comes back: its lease is gone, and a renewal does not take it back.
            Assert.Equal(0, await store.RenewLeasesAsync("a", time.GetUtcNow().ToUnixTimeMilliseconds() + 60_000, Ct));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
