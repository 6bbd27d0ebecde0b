using System.Globalization;
using System.Text.Json;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Engine.Services;

/// <summary>
/// One loop over the Relay's event stream for every open task of this instance. The cursor is stored with the Relay it
/// belongs to; when the Relay was reset or is another one (the cursor is ahead of its current id, or was read from
/// another Relay), the loop logs a warning naming the Relay, moves the cursor to the Relay's head and resyncs every open
/// task with a GET. Polls fast for a second after the bridge acts, slowly when nothing of ours is in flight.
/// </summary>
public sealed class EventLoopService(TaskStore store, RelayClient relay, OpenTasks open, IEngineScheduler scheduler, EngineScheduler events,
    BridgeOptions options, TimeProvider time, ILogger<EventLoopService> log) : EngineLoop(time, log)
{
    public const string CursorName = "events_cursor";
    public const string CursorRelayName = "events_relay";
    public const int Batch = 500;

    /// <summary>With tasks open and no event for this long, the loop checks that the Relay's head is not behind its cursor.</summary>
    public static readonly TimeSpan HeadCheckInterval = TimeSpan.FromSeconds(1);

    private long _cursor = -1;
    private long _lastHeadCheckMs;
    private long _lastClockSyncMs;

    protected override string Name => "events";

    /// <summary>When the loop last read the Relay's events (null until the cursor is set; for readiness).</summary>
    public DateTimeOffset? LastEventsPoll { get; private set; }

    /// <summary>The cursor in use (-1 before the first start).</summary>
    public long Cursor => Interlocked.Read(ref _cursor);

    /// <summary>How many times a reset or a change of Relay was detected since start.</summary>
    public int Resets { get; private set; }

    private string RelayName => options.Relay.BaseUrl.TrimEnd('/');

    protected override async Task RunAsync(CancellationToken ct)
    {
        if (_cursor < 0)
        {
            await SyncClockAsync(ct);
            await EstablishCursorAsync(ct);
        }
        while (!ct.IsCancellationRequested)
        {
            var count = await PollOnceAsync(ct);
            if (count < Batch)
            {
                var fast = Math.Min(options.Relay.EventsFastPollIntervalMs, options.Relay.EventsPollIntervalMs);
                var interval = events.IsHot ? TimeSpan.FromMilliseconds(fast)
                    : open.IsEmpty ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(options.Relay.EventsPollIntervalMs);
                await events.WaitForEventsAsync(interval, slow: interval.TotalMilliseconds > fast, ct);
            }
        }
    }

    private async Task SyncClockAsync(CancellationToken ct)
    {
        _lastClockSyncMs = NowMs;
        try
        {
            await relay.SyncClockAsync(ct);
        }
        catch (RelayException e)
        {
            log.LogWarning("Could not read the clock of the Relay at {Relay} ({Error}); signing with the local clock", RelayName, e.Message);
        }
    }

    /// <summary>Reads the stored cursor and checks it against the Relay it now talks to.</summary>
    public async Task EstablishCursorAsync(CancellationToken ct)
    {
        var stored = await store.GetStateAsync(CursorName, ct);
        var storedRelay = await store.GetStateAsync(CursorRelayName, ct);
        var head = await relay.GetCurrentEventIdAsync(ct);
        if (stored is null)
        {
            // First start on this database: begin at the stream's head; tasks admitted before this read are resynced.
            await MoveCursorAsync(head, ct);
            ResyncOpenTasks();
            return;
        }
        var cursor = long.Parse(stored, CultureInfo.InvariantCulture);
        if (storedRelay is not null && !string.Equals(storedRelay, RelayName, StringComparison.OrdinalIgnoreCase))
        {
            await ResetAsync($"the event cursor {cursor} was read from the Relay at {storedRelay}", head, ct);
        }
        else if (cursor > head)
        {
            await ResetAsync($"its current event id {head} is behind the bridge's cursor {cursor}", head, ct);
        }
        else
        {
            Interlocked.Exchange(ref _cursor, cursor);
            if (storedRelay is null)
            {
                await store.SetStateAsync(CursorRelayName, RelayName, ct);
            }
        }
    }

    /// <summary>One poll: reads events after the cursor, applies this instance's, moves the cursor. Returns how many came.</summary>
    public async Task<int> PollOnceAsync(CancellationToken ct)
    {
        var cursor = Cursor;
        var batch = await relay.GetEventsAsync(cursor, Batch, ct);
        LastEventsPoll = Time.GetUtcNow();
        if (batch.Count > 0 && batch.Min(e => e.Id) <= cursor)
        {
            await ResetAsync($"its event ids went back (id {batch.Min(e => e.Id)} after the cursor {cursor})", await relay.GetCurrentEventIdAsync(ct), ct);
            return 0;
        }
        await ApplyEventsAsync(batch, ct);
        if (batch.Count > 0)
        {
            await MoveCursorAsync(batch.Max(e => e.Id), ct);
            _lastHeadCheckMs = NowMs;
        }
        else if (!open.IsEmpty && NowMs - _lastHeadCheckMs >= HeadCheckInterval.TotalMilliseconds)
        {
            // Quiet while tasks are open: a Relay reset under a running bridge looks exactly like this.
            _lastHeadCheckMs = NowMs;
            var head = await relay.GetCurrentEventIdAsync(ct);
            if (head < cursor)
            {
                await ResetAsync($"its current event id {head} is behind the bridge's cursor {cursor}", head, ct);
            }
        }
        if (NowMs - _lastClockSyncMs > 600_000)
        {
            await SyncClockAsync(ct);
        }
        return batch.Count;
    }

    private async Task ResetAsync(string why, long head, CancellationToken ct)
    {
        Resets++;
        log.LogWarning("The Relay at {Relay} was reset or is another Relay ({Why}): moving the event cursor to {Head} and resyncing {Count} open client tasks",
            RelayName, why, head, open.ClientTaskCount);
        await MoveCursorAsync(head, ct);
        ResyncOpenTasks();
    }

    private async Task MoveCursorAsync(long cursor, CancellationToken ct)
    {
        Interlocked.Exchange(ref _cursor, cursor);
        await store.SetStateAsync(CursorName, cursor.ToString(CultureInfo.InvariantCulture), ct);
        await store.SetStateAsync(CursorRelayName, RelayName, ct);
    }

    private void ResyncOpenTasks()
    {
        foreach (var id in open.ClientTasks)
        {
            open.RequestSync(id);
            scheduler.Drive(id);
        }
    }

    /// <summary>Writes the events of this instance's tasks (one transaction per poll), then drives their client tasks.</summary>
    private async Task ApplyEventsAsync(List<RelayEvent> batch, CancellationToken ct)
    {
        var ours = new List<(string Commitment, InferenceStatus Status, TaskUpdate Update)>();
        var clientTasks = new HashSet<long>();
        foreach (var e in batch)
        {
            if (open.TryGetClientTask(e.TaskIdCommitment, out var clientTaskId) && Interpret(e) is ({ } status, var update))
            {
                ours.Add((e.TaskIdCommitment, status, update));
                clientTasks.Add(clientTaskId);
            }
        }
        foreach (var commitment in await store.AdvanceByCommitmentsAsync(ours, NowMs, ct))
        {
            open.Touch(commitment, NowMs);
        }
        foreach (var id in clientTasks)
        {
            scheduler.Drive(id);
        }
    }

    /// <summary>The status an event means for the bridge, and what comes with it (TaskScoreReady carries the score).</summary>
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
        string? Text(string name) => args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return e.Type switch
        {
            "TaskStarted" => (InferenceStatus.Started, new TaskUpdate(SelectedNode: e.NodeAddress)),
            "TaskScoreReady" => (InferenceStatus.ScoreReady, new TaskUpdate(SelectedNode: e.NodeAddress, Score: Text("score"))),
            "TaskErrorReported" => (InferenceStatus.ErrorReported, new TaskUpdate(SelectedNode: e.NodeAddress, TaskError: Int("task_error"))),
            "TaskValidated" => (InferenceStatus.Validated, TaskUpdate.None),
            "TaskEndInvalidated" => (InferenceStatus.EndInvalidated, TaskUpdate.None),
            "TaskEndGroupRefund" => (InferenceStatus.EndGroupRefund, TaskUpdate.None),
            "TaskEndAborted" => (InferenceStatus.EndAborted, new TaskUpdate(AbortReason: Int("abort_reason"))),
            "TaskEndSuccess" or "TaskEndGroupSuccess" => (InferenceStatus.EndSuccess, TaskUpdate.None),
            _ => (null, TaskUpdate.None),
        };
    }
}
