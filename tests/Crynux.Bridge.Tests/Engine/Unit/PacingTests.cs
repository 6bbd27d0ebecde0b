using Crynux.Bridge.Engine;
using Crynux.Bridge.Engine.Workflow;
using Crynux.Bridge.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Bridge.Tests.Engine.Unit;

/// <summary>Retry back-off, GET pacing per task and fast event polling, on a fake clock.</summary>
public sealed class PacingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Back_off_grows_from_a_second_to_half_a_minute_with_jitter()
    {
        var pacer = new TaskPacer(new FakeTimeProvider(), new Random(7));
        for (var attempt = 1; attempt <= 12; attempt++)
        {
            var baseMs = Math.Min(30_000, 1000 * Math.Pow(2, attempt - 1));
            var waits = Enumerable.Range(0, 50).Select(_ => pacer.BackOff(attempt).TotalMilliseconds).ToList();
            Assert.All(waits, w => Assert.InRange(w, baseMs * 0.75, baseMs * 1.25));
            Assert.True(waits.Distinct().Count() > 1, "no jitter");
        }
        Assert.True(pacer.BackOff(1) >= TaskPacer.MinGap, "a retry must never come sooner than the GET pacing allows");
    }

    [Fact]
    public void A_deferred_task_is_in_back_off_until_its_retry_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(10_000));
        var pacer = new TaskPacer(time, new Random(1));
        var wait = pacer.Defer("0xabc", attempt: 3);
        Assert.InRange(wait.TotalMilliseconds, 3000, 5000);
        Assert.Equal(10_000 + (long)wait.TotalMilliseconds, pacer.RetryAt["0xabc"]);
        pacer.Forget("0xabc");
        Assert.False(pacer.RetryAt.ContainsKey("0xabc"));
    }

    [Fact]
    public async Task Gets_about_one_task_are_spaced_by_the_minimum_gap_and_other_tasks_do_not_wait()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(10_000));
        var pacer = new TaskPacer(time);
        await pacer.TurnAsync("0xa", Ct);
        var second = pacer.TurnAsync("0xa", Ct);
        await pacer.TurnAsync("0xb", Ct); // another task goes at once
        Assert.False(second.IsCompleted);
        time.Advance(TaskPacer.MinGap - TimeSpan.FromMilliseconds(1));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.True(TaskPacer.MinGap > TimeSpan.FromMilliseconds(500), "2 GETs a second is the Relay's limit");
    }

    [Fact]
    public async Task The_event_loop_polls_fast_for_a_second_after_the_bridge_acts_and_an_act_cuts_a_slow_wait_short()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(10_000));
        using var lifetime = new TestLifetime();
        using var scheduler = new EngineScheduler(new WorkSet(), time, lifetime);
        Assert.False(scheduler.IsHot);

        var slowWait = scheduler.WaitForEventsAsync(TimeSpan.FromSeconds(1), slow: true, Ct);
        Assert.False(slowWait.IsCompleted);
        scheduler.RelayActed();
        await slowWait.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.True(scheduler.IsHot);

        var fastWait = scheduler.WaitForEventsAsync(TimeSpan.FromMilliseconds(20), slow: false, Ct);
        scheduler.RelayActed(); // inside a fast window an act does not add a poll
        Assert.False(fastWait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(20));
        await fastWait.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        time.Advance(EngineScheduler.FastWindow);
        Assert.False(scheduler.IsHot);
    }

    [Fact]
    public async Task A_delayed_pass_is_queued_when_the_fake_clock_reaches_it()
    {
        var time = new FakeTimeProvider();
        using var lifetime = new TestLifetime();
        var work = new WorkSet();
        using var scheduler = new EngineScheduler(work, time, lifetime);
        scheduler.DriveAfter(42, TimeSpan.FromSeconds(3));
        Assert.Equal(0, work.Count);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(42, await work.DequeueAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }
}
