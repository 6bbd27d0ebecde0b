using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine.Workflow;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Relay;
using Crynux.Crypto;

namespace Crynux.Bridge.Engine;

/// <summary>
/// One pass over a client task: reads it and its Relay tasks, asks <see cref="TaskDecision"/> for the next steps,
/// performs them, takes back each row as the store returns it, and decides again until only waiting is left. Every
/// step is written before the next Relay call and is safe to repeat, so a crash anywhere resumes without a duplicate
/// task or fee. A call whose answer is lost or unreadable is never taken as success or rejection: the row is marked
/// "outcome unknown" and the next step is to ask the Relay.
/// </summary>
public sealed partial class TaskExecutor
{
    /// <summary>Retries of a step that keeps failing with a definite answer (a bad download, a refusal) before giving up.</summary>
    public const int DefiniteFailureBudget = 8;

    private const int MaxRounds = 16;

    private readonly TaskStore _store;
    private readonly RelayClient _relay;
    private readonly EthKey _key;
    private readonly ResultFiles _files;
    private readonly TaskSignals _signals;
    private readonly OpenTasks _open;
    private readonly RelayQueueGate _gate;
    private readonly TaskPacer _pacer;
    private readonly RelayBatches _batches;
    private readonly IEngineScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly BridgeMetrics _metrics;
    private readonly ILogger<TaskExecutor> _log;
    private readonly string _instanceId;
    private readonly string _publicKeyHex;
    private readonly FineTuneStore _fineTune;
    private readonly int _fineTuneMaxRounds;

    public TaskExecutor(TaskStore store, RelayClient relay, EthKey key, ResultFiles files, TaskSignals signals, OpenTasks open, RelayQueueGate gate,
        TaskPacer pacer, IEngineScheduler scheduler, TimeProvider time, BridgeMetrics metrics, ILogger<TaskExecutor> log, EngineIdentity identity,
        FineTuneStore fineTune, BridgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(gate);
        _store = store;
        _relay = relay;
        _key = key;
        _files = files;
        _signals = signals;
        _open = open;
        _gate = gate;
        _pacer = pacer;
        _batches = new RelayBatches(relay, log, options.Relay.BatchRoutes);
        _fineTuneMaxRounds = options.Task.SdFinetuneMaxRounds;
        _scheduler = scheduler;
        _time = time;
        _metrics = metrics;
        _log = log;
        _instanceId = identity.InstanceId;
        _publicKeyHex = Hex.Encode(key.PublicKey);
        _fineTune = fineTune;
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task DriveAsync(long clientTaskId, CancellationToken ct)
    {
        using var pass = _metrics.Traces.Drive(clientTaskId);
        var task = await _store.GetClientTaskAsync(clientTaskId, ct);
        if (task is null || task.IsOpen == 0 || task.LeaseOwner != _instanceId)
        {
            _log.LogDebug("Client task {Id}: not driven here (open {Open}, lease {Owner})", clientTaskId, task?.IsOpen, task?.LeaseOwner);
            Forget(clientTaskId, []);
            return;
        }
        var members = await _store.GetMembersAsync(clientTaskId, ct);
        foreach (var member in members.Where(m => !m.IsFinished))
        {
            _open.Add(member.TaskIdCommitment, clientTaskId, NowMs);
        }
        if (_open.TakeSync(clientTaskId) || _open.TakeDue(clientTaskId, NowMs))
        {
            _log.LogDebug("Client task {Id}: asking the Relay about its {Count} tasks", clientTaskId, members.Count(m => !m.IsFinished));
            // Taken over, restarted, swept, the Relay was reset, or a task's estimated end came: what the event stream
            // would have told is unknown.
            try
            {
                for (var i = 0; i < members.Count; i++)
                {
                    if (!members[i].IsFinished && members[i].Stage >= (int)TaskStage.Created)
                    {
                        members[i] = await LearnAsync(members[i], ct);
                    }
                }
            }
            catch
            {
                // (A database error, say.) The pass is retried; the question must be asked again then, not forgotten.
                _open.RequestSync(clientTaskId);
                throw;
            }
        }
        // After the sync, so that a task it found started or ended gives its place in the Relay's queue back now.
        members.ForEach(TrackRelayQueue);
        // A fine-tune job's row is written on its first pass (admission writes the client task and its first round only).
        var job = task.Kind == ClientTaskKind.FineTune ? await _fineTune.EnsureAsync(task.Id, members.Count(m => m.IsOriginal), NowMs, ct) : null;

        for (var round = 0; round < MaxRounds; round++)
        {
            var steps = TaskDecision.Decide(new TaskSnapshot(task, members, NowMs, _pacer.RetryAt, job, _fineTuneMaxRounds));
            if (_log.IsEnabled(LogLevel.Debug))
            {
                _log.LogDebug("Client task {Id}: {Steps}", task.Id, string.Join(", ", steps.Select(s => s.Member is { } m ? $"{s.Kind} #{m.Id}" : s.Kind.ToString())));
            }
            var progressed = false;
            foreach (var step in steps)
            {
                progressed |= await ExecuteAsync(step, task, members, job, ct);
                if (task.IsOpen == 0)
                {
                    Forget(task.Id, members);
                    return;
                }
            }
            if (!progressed)
            {
                ScheduleWake(task.Id, steps);
                return;
            }
        }
        _scheduler.Drive(task.Id); // a long chain of steps: go on in a fresh pass
    }

    /// <summary>Steps waiting for a back-off get a pass when the earliest ends.</summary>
    private void ScheduleWake(long clientTaskId, IReadOnlyList<TaskStep> steps)
    {
        if (steps.Where(s => s.Kind == StepKind.Wait && s.Until is not null).Select(s => s.Until!.Value).DefaultIfEmpty().Min() is var until && until > 0)
        {
            _scheduler.DriveAfter(clientTaskId, TimeSpan.FromMilliseconds(Math.Max(0, until - NowMs)));
        }
    }

    /// <summary>Performs one step; returns whether anything changed (then the decision is asked again).</summary>
    private async Task<bool> ExecuteAsync(TaskStep step, ClientTaskRow task, List<InferenceTaskRow> members, FineTuneJobRow? job, CancellationToken ct)
    {
        var member = step.Member;
        if ((member is not null && !IsCurrent(member, members)) || (step.Group is { } group && !group.All(m => IsCurrent(m, members))))
        {
            return false; // replaced by an earlier step of this round: decide again on the fresh rows
        }
        switch (step.Kind)
        {
            case StepKind.Create:
                return await CreateAsync(member!, members, task.Kind == ClientTaskKind.FineTune, ct);
            case StepKind.LearnOutcome:
                return Replace(members, member!, await LearnAsync(member!, ct));
            case StepKind.SaveVrf:
                var (proof, number, need) = Vrf(member!.SamplingSeed);
                await _store.SaveVrfAsync(member, proof, number, need, NowMs, ct);
                return true;
            case StepKind.AddValidationMembers:
                return await AddValidationMembersAsync(member!, members, ct);
            case StepKind.ValidateSingle:
                return await ValidateSingleAsync(member!, members, ct);
            case StepKind.ValidateGroup:
                return await ValidateGroupAsync(step.Group!, members, ct);
            case StepKind.GiveUpGroup:
                await MarkValidateSentAsync(step.Group!, members, "the group can no longer be validated: a member expired waiting for validation", ct);
                return true;
            case StepKind.Download:
                return await DownloadAsync(member!, members, job, ct);
            case StepKind.NextRound or StepKind.RetryRound:
                return await AddRoundAsync(step, members, job!, ct);
            case StepKind.CancelSibling:
                return await CancelSiblingAsync(member!, members, ct);
            case StepKind.FinishSuccess:
                await EndAsync(task, ClientTaskStatus.Success, member!.Id, null, members, ct);
                return true;
            case StepKind.FinishFailed:
                await EndAsync(task, ClientTaskStatus.Failed, null, job is null ? Failure.Describe(members) : FineTuneFailure(members, member!, job.RoundsCreated), members, ct);
                return true;
            case StepKind.Close:
                await _store.CloseClientTaskAsync(task.Id, NowMs, ct);
                task.IsOpen = 0;
                return true;
            default:
                return false;
        }
    }

    private static bool IsCurrent(InferenceTaskRow row, List<InferenceTaskRow> members) =>
        ReferenceEquals(row, members.FirstOrDefault(m => m.Id == row.Id));

    private static bool Replace(List<InferenceTaskRow> members, InferenceTaskRow old, InferenceTaskRow fresh)
    {
        var i = members.FindIndex(m => m.Id == old.Id);
        members[i] = fresh;
        return fresh.Stage != old.Stage || fresh.Status != old.Status || fresh.OutcomeUnknown != old.OutcomeUnknown || fresh.SamplingSeed != old.SamplingSeed
            || fresh.Score != old.Score || fresh.ValidateSent != old.ValidateSent || fresh.CancelSent != old.CancelSent;
    }

    private async Task<InferenceTaskRow> ReloadAsync(InferenceTaskRow row, CancellationToken ct) =>
        await _store.GetInferenceTaskAsync(row.Id, ct) ?? row;

    /// <summary>The client task is done here (finished, or not ours): drop its in-memory state and its Relay-queue places.</summary>
    private void Forget(long clientTaskId, List<InferenceTaskRow> members)
    {
        _metrics.Traces.Forget(clientTaskId);
        foreach (var member in members)
        {
            _pacer.Forget(member.TaskIdCommitment);
        }
        _open.RemoveClientTask(clientTaskId);
        _gate.ReleaseClientTask(clientTaskId).ForEach(_scheduler.Drive);
    }

    private static string QueueKind(InferenceTaskRow task) => $"{task.TaskType}|{task.TaskModelIds}|{task.RequiredGpu}|{task.RequiredGpuVram}";

    /// <summary>Keeps the Relay-queue count in step with what the database says about the task.</summary>
    private void TrackRelayQueue(InferenceTaskRow task)
    {
        if (task.Stage == (int)TaskStage.Created)
        {
            _gate.Observe(task.TaskIdCommitment, QueueKind(task), task.ClientTaskId);
        }
        else if (task.Stage > (int)TaskStage.Created && _gate.Left(task.TaskIdCommitment) is { } next)
        {
            _scheduler.Drive(next);
        }
        if (task.IsFinished)
        {
            _open.RemoveCommitment(task.TaskIdCommitment);
        }
    }

    /// <summary>The VRF over the task's sampling seed with the wallet key, and whether it selects a validation group.</summary>
    private (string Proof, string Number, bool NeedValidation) Vrf(string samplingSeed)
    {
        var proof = Ecvrf.Prove(_key, Hex.Decode(samplingSeed));
        return (Hex.Encode(proof.Proof), Hex.Encode(proof.Beta), Ecvrf.IsSelectedForValidation(proof.Beta));
    }

    /// <summary>
    /// A call failed. Its outcome is unknown unless the Relay answered with its own error envelope; either way the task
    /// waits out its back-off (one budget per task: the stored attempts count).
    /// </summary>
    private async Task<InferenceTaskRow> FailedAsync(InferenceTaskRow task, List<InferenceTaskRow> members, RelayException error, bool outcomeUnknown, CancellationToken ct)
    {
        var attempts = task.Attempts + 1;
        var fresh = await _store.RecordFailureAsync(task.Id, attempts, error.Message, outcomeUnknown, NowMs, ct);
        Replace(members, task, fresh);
        var wait = _pacer.Defer(task.TaskIdCommitment, attempts);
        _log.LogInformation("Relay call for {Commitment} failed ({Error}{Unknown}); retry {Attempt} in {Delay}", task.TaskIdCommitment, error.Message,
            outcomeUnknown ? "; outcome unknown, the Relay is asked first" : "", attempts, wait);
        _scheduler.DriveAfter(task.ClientTaskId, wait);
        return fresh;
    }

    private async Task<bool> AdvanceAsync(InferenceTaskRow task, List<InferenceTaskRow> members, InferenceStatus status, TaskUpdate update, CancellationToken ct)
    {
        if (await _store.AdvanceAsync(task.Id, status, update, NowMs, ct))
        {
            _open.Touch(task.TaskIdCommitment, NowMs);
        }
        var fresh = await ReloadAsync(task, ct);
        Replace(members, task, fresh);
        TrackRelayQueue(fresh);
        return true;
    }

    public static InferenceStatus FromRelay(RelayTaskStatus status) => status switch
    {
        RelayTaskStatus.Queued => InferenceStatus.Created,
        RelayTaskStatus.Started => InferenceStatus.Started,
        RelayTaskStatus.ParametersUploaded => InferenceStatus.ParamsUploaded,
        RelayTaskStatus.ErrorReported => InferenceStatus.ErrorReported,
        RelayTaskStatus.ScoreReady => InferenceStatus.ScoreReady,
        RelayTaskStatus.Validated or RelayTaskStatus.GroupValidated => InferenceStatus.Validated,
        RelayTaskStatus.EndInvalidated => InferenceStatus.EndInvalidated,
        RelayTaskStatus.EndSuccess or RelayTaskStatus.EndGroupSuccess => InferenceStatus.EndSuccess,
        RelayTaskStatus.EndAborted => InferenceStatus.EndAborted,
        RelayTaskStatus.EndGroupRefund => InferenceStatus.EndGroupRefund,
        _ => InferenceStatus.Created,
    };

    private async Task EndAsync(ClientTaskRow task, string status, long? resultId, string? error, List<InferenceTaskRow> members, CancellationToken ct)
    {
        var allFinished = members.All(m => m.IsFinished);
        var failed = members.Count(m => m.IsFinished && m.State != InferenceStatus.ResultDownloaded);
        var ended = await _store.FinishClientTaskAsync(task, status, resultId, error, failed, NowMs, allFinished, ct);
        task.Status = status;
        if (ended)
        {
            _metrics.Count("crynux_bridge_tasks_total", $"kind=\"{task.Kind}\",status=\"{status}\"");
            _metrics.Observe("crynux_bridge_task_duration_seconds", $"kind=\"{task.Kind}\"", (NowMs - task.CreatedAt) / 1000.0);
            if (allFinished)
            {
                task.IsOpen = 0;
            }
        }
        _signals.Signal(task.Id);
    }
}
