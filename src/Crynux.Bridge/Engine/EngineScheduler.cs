namespace Crynux.Bridge.Engine;

/// <summary>
/// The engine's one scheduler: client tasks to drive go to the <see cref="WorkSet"/> the workers read, delayed passes
/// wait on the injected clock, and <see cref="RelayActed"/> opens a one-second fast-poll window for the event loop.
/// </summary>
public sealed class EngineScheduler(WorkSet work, TimeProvider time, IHostApplicationLifetime lifetime) : IEngineScheduler, IDisposable
{
    /// <summary>How long the event loop polls fast after the bridge acted on the Relay.</summary>
    public static readonly TimeSpan FastWindow = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _wake = new(0);
    private long _hotUntilMs;
    private volatile bool _pollingSlowly = true;

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Drive(long clientTaskId) => work.Enqueue(clientTaskId);

    public void DriveAfter(long clientTaskId, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            work.Enqueue(clientTaskId);
            return;
        }
        _ = Task.Delay(delay, time, lifetime.ApplicationStopping).ContinueWith(t =>
        {
            if (!t.IsCanceled)
            {
                work.Enqueue(clientTaskId);
            }
        }, TaskScheduler.Default);
    }

    public void RelayActed()
    {
        Interlocked.Exchange(ref _hotUntilMs, NowMs + (long)FastWindow.TotalMilliseconds);
        // Cut a slow wait short; a fast one ends soon anyway (so a burst of admissions does not become a burst of polls).
        if (_pollingSlowly)
        {
            _pollingSlowly = false;
            _wake.Release();
        }
    }

    /// <summary>Wakes the event loop now (leases taken over, a Relay reset).</summary>
    public void WakeEvents() => _wake.Release();

    /// <summary>True inside the fast-poll window.</summary>
    public bool IsHot => NowMs < Interlocked.Read(ref _hotUntilMs);

    /// <summary>The event loop's wait between polls; ends early when woken. <paramref name="slow"/>: whether this wait is a slow one.</summary>
    public async Task WaitForEventsAsync(TimeSpan interval, bool slow, CancellationToken ct)
    {
        _pollingSlowly = slow;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            // On the injected clock, so that a fake-clock test moves the polling.
            var woken = _wake.WaitAsync(cts.Token);
            await Task.WhenAny(woken, Task.Delay(interval, time, cts.Token));
            await cts.CancelAsync();
            try
            {
                await woken;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The interval ended first.
            }
        }
        while (_wake.CurrentCount > 0)
        {
            await _wake.WaitAsync(0, ct);
        }
    }

    public void Dispose() => _wake.Dispose();
}
