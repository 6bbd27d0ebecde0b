using System.Globalization;
using System.Text.Json;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Engine;

public sealed record EngineIdentity(string InstanceId);

/// <summary>
/// The task engine: workers that drive client tasks, one loop over the Relay's event stream for every open task, leases
/// so that instances sharing a database split the work, a slow resync sweep for whatever the stream missed, and result
/// retention.
/// </summary>
public sealed class TaskEngine : BackgroundService
{
    private const string CursorName = "events_cursor";
    private const int EventBatch = 500;

    private readonly TaskDriver _driver;
    private readonly TaskTraces _traces;
    private readonly TaskStore _store;
    private readonly RelayClient _relay;
    private readonly OpenTasks _open;
    private readonly WorkSet _queue;
    private readonly ResultFiles _files;
    private readonly TimeProvider _time;
    private readonly BridgeOptions _options;
    private readonly ILogger<TaskEngine> _log;
    private readonly string _instanceId;
    private readonly SemaphoreSlim _wake = new(0);
    private long _hotUntilMs;
    private volatile bool _pollingSlowly = true;
    private CancellationToken _stopping;

    public TaskEngine(TaskDriver driver, TaskStore store, RelayClient relay, OpenTasks open, WorkSet queue, ResultFiles files,
        TimeProvider time, BridgeOptions options, EngineIdentity identity, BridgeMetrics metrics, ILogger<TaskEngine> log)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(metrics);
        _driver = driver;
        _traces = metrics.Traces;
        _store = store;
        _relay = relay;
        _open = open;
        _queue = queue;
        _files = files;
        _time = time;
        _options = options;
        _log = log;
        _instanceId = identity.InstanceId;
        driver.Schedule = ScheduleDrive;
        driver.Heat = Heat;
        metrics.Gauge("crynux_bridge_open_tasks", () => _open.ClientTaskCount);
    }

    /// <summary>True once the events loop has read from the Relay at least once since start (for /readyz).</summary>
    public DateTimeOffset? LastEventsPoll { get; private set; }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private long LeaseMs => _options.Engine.LeaseSeconds * 1000L;

    /// <summary>Takes a client task just admitted by this instance (already leased to it) and starts on it.</summary>
    public void Accept(long clientTaskId, IEnumerable<string> commitments)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        _traces.Admitted(clientTaskId); // still on the admitting request: its span becomes the task's parent
        foreach (var commitment in commitments)
        {
            _open.Add(commitment, clientTaskId, NowMs);
        }
        _queue.Enqueue(clientTaskId);
        Heat();
    }

    /// <summary>
    /// Polls the events fast for the next second: after the bridge acts, the Relay's answer (a node starting, scoring,
    /// uploading) usually comes within milliseconds. The fast rate is a bound of its own, however many tasks are in flight.
    /// </summary>
    private void Heat()
    {
        Interlocked.Exchange(ref _hotUntilMs, NowMs + 1000);
        // Cut a slow wait short; a fast one ends soon anyway (so a burst of admissions does not become a burst of polls).
        if (_pollingSlowly)
        {
            _pollingSlowly = false;
            _wake.Release();
        }
    }

    public long NewLeaseExpiry() => NowMs + LeaseMs;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        try
        {
            await _relay.SyncClockAsync(stoppingToken);
        }
        catch (RelayException e)
        {
            _log.LogWarning("Could not read the Relay's clock ({Error}); signing with the local clock", e.Message);
        }
        var loops = new List<Task>
        {
            RunLoopAsync("events", EventsLoopAsync, stoppingToken),
            RunLoopAsync("leases", LeaseLoopAsync, stoppingToken),
            RunLoopAsync("sweep", SweepLoopAsync, stoppingToken),
            RunLoopAsync("retention", RetentionLoopAsync, stoppingToken),
        };
        loops.AddRange(Enumerable.Range(0, _options.Engine.Workers).Select(_ => RunLoopAsync("worker", WorkerLoopAsync, stoppingToken)));
        await Task.WhenAll(loops);
    }

    private async Task RunLoopAsync(string name, Func<CancellationToken, Task> loop, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await loop(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A database or Relay outage: log, wait, and go on; nothing accepted is dropped (it is all in the database).
                _log.LogError(e, "Engine {Loop} loop failed; restarting in 1 s", name);
                await Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    private async Task WorkerLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var id = await _queue.DequeueAsync(ct);
            _queue.Start(id);
            try
            {
                await _driver.DriveAsync(id, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _log.LogError(e, "Driving client task {Id} failed; retrying in 2 s", id);
                ScheduleDrive(id, TimeSpan.FromSeconds(2));
            }
            finally
            {
                _queue.Done(id);
            }
        }
    }

    private void ScheduleDrive(long clientTaskId, TimeSpan delay) =>
        _ = Task.Delay(delay, _time, _stopping).ContinueWith(t =>
        {
            if (!t.IsCanceled)
            {
                _queue.Enqueue(clientTaskId);
            }
        }, TaskScheduler.Default);

    private async Task EventsLoopAsync(CancellationToken ct)
    {
        var cursorText = await _store.GetStateAsync(CursorName, ct);
        long cursor;
        if (cursorText is null)
        {
            // First start on this database: begin at the stream's head. Tasks admitted before this read may have events
            // behind it, so they are resynced once with a GET.
            cursor = await _relay.GetCurrentEventIdAsync(ct);
            await _store.SetStateAsync(CursorName, cursor.ToString(CultureInfo.InvariantCulture), ct);
            foreach (var id in _open.ClientTasks)
            {
                _open.RequestSync(id);
                _queue.Enqueue(id);
            }
        }
        else
        {
            cursor = long.Parse(cursorText, CultureInfo.InvariantCulture);
        }
        var lastClockSync = NowMs;
        while (!ct.IsCancellationRequested)
        {
            var events = await _relay.GetEventsAsync(cursor, EventBatch, ct);
            LastEventsPoll = _time.GetUtcNow();
            await ApplyEventsAsync(events, ct);
            foreach (var e in events)
            {
                cursor = Math.Max(cursor, e.Id);
            }
            if (events.Count > 0)
            {
                await _store.SetStateAsync(CursorName, cursor.ToString(CultureInfo.InvariantCulture), ct);
            }
            if (NowMs - lastClockSync > 600_000)
            {
                lastClockSync = NowMs;
                await _relay.SyncClockAsync(ct);
            }
            if (events.Count < EventBatch)
            {
                // Nothing of ours in flight: poll slowly, but wake at once when a task is admitted.
                var fast = Math.Min(_options.Relay.EventsFastPollIntervalMs, _options.Relay.EventsPollIntervalMs);
                var interval = NowMs < Interlocked.Read(ref _hotUntilMs) ? TimeSpan.FromMilliseconds(fast)
                    : _open.IsEmpty ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(_options.Relay.EventsPollIntervalMs);
                _pollingSlowly = interval.TotalMilliseconds > fast;
                await _wake.WaitAsync(interval, ct);
                while (_wake.CurrentCount > 0)
                {
                    await _wake.WaitAsync(0, ct);
                }
            }
        }
    }

    /// <summary>Writes the events of this instance's tasks (one transaction per poll), then drives their client tasks.</summary>
    private async Task ApplyEventsAsync(List<RelayEvent> events, CancellationToken ct)
    {
        var ours = new List<(string Commitment, InferenceStatus Status, TaskUpdate Update)>();
        var clientTasks = new HashSet<long>();
        foreach (var e in events)
        {
            if (_open.TryGetClientTask(e.TaskIdCommitment, out var clientTaskId) && Interpret(e) is ({ } status, var update))
            {
                ours.Add((e.TaskIdCommitment, status, update));
                clientTasks.Add(clientTaskId);
            }
        }
        foreach (var commitment in await _store.AdvanceByCommitmentsAsync(ours, NowMs, ct))
        {
            _open.Touch(commitment, NowMs);
        }
        foreach (var id in clientTasks)
        {
            _queue.Enqueue(id);
        }
    }

    /// <summary>The status an event means for the bridge (relay-protocol §8), and what comes with it.</summary>
    public static (InferenceStatus? Status, TaskUpdate Update) Interpret(RelayEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        JsonElement args = default;
        try
        {
            args = JsonDocument.Parse(e.Args.Length > 0 ? e.Args : "{}").RootElement;
        }
        catch (JsonException)
        {
            // Args are informative only; the status comes from the type.
        }
        int? Int(string name) => args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : null;
        return e.Type switch
        {
            "TaskStarted" => (InferenceStatus.Started, new TaskUpdate(SelectedNode: e.NodeAddress)),
            "TaskScoreReady" => (InferenceStatus.ScoreReady, new TaskUpdate(SelectedNode: e.NodeAddress)),
            "TaskErrorReported" => (InferenceStatus.ErrorReported, new TaskUpdate(SelectedNode: e.NodeAddress, TaskError: Int("task_error"))),
            "TaskValidated" => (InferenceStatus.Validated, TaskUpdate.None),
            "TaskEndInvalidated" => (InferenceStatus.EndInvalidated, TaskUpdate.None),
            "TaskEndGroupRefund" => (InferenceStatus.EndGroupRefund, TaskUpdate.None),
            "TaskEndAborted" => (InferenceStatus.EndAborted, new TaskUpdate(AbortReason: Int("abort_reason"))),
            "TaskEndSuccess" or "TaskEndGroupSuccess" => (InferenceStatus.EndSuccess, TaskUpdate.None),
            _ => (null, TaskUpdate.None),
        };
    }

    private async Task LeaseLoopAsync(CancellationToken ct)
    {
        var startup = true;
        while (!ct.IsCancellationRequested)
        {
            await _store.RenewLeasesAsync(_instanceId, NowMs + LeaseMs, ct);
            // Every page of 200 (at start-up this includes the instance's own tasks from before a restart).
            List<long> claimed;
            var after = 0L;
            do
            {
                claimed = await _store.ClaimAsync(_instanceId, NowMs, NowMs + LeaseMs, 200, startup, after, ct);
                await TakeOverAsync(claimed, ct);
                after = claimed.Count > 0 ? claimed[^1] : after;
            }
            while (claimed.Count == 200);
            startup = false;
            await Delay(TimeSpan.FromMilliseconds(LeaseMs / 3), ct);
        }
    }

    private async Task TakeOverAsync(List<long> claimed, CancellationToken ct)
    {
        foreach (var id in claimed.Where(id => !_open.Contains(id)))
        {
            // Taken over (or ours from before a restart): the events of the gap are unknown, so resync with a GET.
            foreach (var (commitment, owner) in await _store.OpenCommitmentsAsync(id, ct))
            {
                _open.Add(commitment, owner, NowMs);
            }
            _open.RequestSync(id);
            _queue.Enqueue(id);
        }
        if (claimed.Count > 0)
        {
            _wake.Release();
        }
    }

    private async Task SweepLoopAsync(CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(_options.Relay.ReconcileIntervalSeconds);
        while (!ct.IsCancellationRequested)
        {
            await Delay(interval, ct);
            foreach (var id in _open.Stale(NowMs, (long)interval.TotalMilliseconds))
            {
                _open.RequestSync(id);
                _queue.Enqueue(id);
            }
        }
    }

    private async Task RetentionLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (_options.DataDir.InferenceTasksRetentionDays > 0)
            {
                var deleted = _files.DeleteOlderThan(_time.GetUtcNow().AddDays(-_options.DataDir.InferenceTasksRetentionDays));
                if (deleted > 0)
                {
                    _log.LogInformation("Deleted {Count} result folders older than {Days} days", deleted, _options.DataDir.InferenceTasksRetentionDays);
                }
            }
            await Delay(TimeSpan.FromHours(1), ct);
        }
    }

    private Task Delay(TimeSpan delay, CancellationToken ct) => Task.Delay(delay, _time, ct);

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
