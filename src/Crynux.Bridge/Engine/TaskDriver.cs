using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Relay;
using Crynux.Crypto;

namespace Crynux.Bridge.Engine;

/// <summary>
/// One pass over a client task: looks at what the database says about each of its Relay tasks and takes the next step
/// (create, VRF and validation group, validate, download, sibling cancel, outcome). Every step is persisted before the
/// next external call, and every step is safe to repeat, so a crash anywhere resumes without a duplicate task or fee.
/// </summary>
public sealed partial class TaskDriver
{
    private readonly TaskStore _store;
    private readonly RelayClient _relay;
    private readonly EthKey _key;
    private readonly ResultFiles _files;
    private readonly TaskSignals _signals;
    private readonly OpenTasks _open;
    private readonly RelayQueueGate _gate;
    private readonly TimeProvider _time;
    private readonly BridgeMetrics _metrics;
    private readonly ILogger<TaskDriver> _log;
    private readonly string _instanceId;
    private readonly string _publicKeyHex;

    public TaskDriver(TaskStore store, RelayClient relay, EthKey key, ResultFiles files, TaskSignals signals, OpenTasks open,
        RelayQueueGate gate, TimeProvider time, BridgeMetrics metrics, ILogger<TaskDriver> log, EngineIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(metrics);
        _gate = gate;
        metrics.Gauge("crynux_bridge_relay_queued_tasks", () => gate.Queued);
        metrics.Gauge("crynux_bridge_relay_queue_waiting", () => gate.Waiting);
        _store = store;
        _relay = relay;
        _key = key;
        _files = files;
        _signals = signals;
        _open = open;
        _time = time;
        _metrics = metrics;
        _log = log;
        _instanceId = identity.InstanceId;
        _publicKeyHex = Hex.Encode(key.PublicKey);
    }

    /// <summary>Set by the engine: asks for another pass of this client task after a delay (retries).</summary>
    public Action<long, TimeSpan> Schedule { get; set; } = (_, _) => { };

    /// <summary>Set by the engine: the bridge just acted on the Relay, so the next event is near; poll fast for a moment.</summary>
    public Action Heat { get; set; } = () => { };

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task DriveAsync(long clientTaskId, CancellationToken ct)
    {
        using var pass = _metrics.Traces.Drive(clientTaskId);
        var task = await _store.GetClientTaskAsync(clientTaskId, ct);
        if (task is null || task.IsOpen == 0 || task.LeaseOwner != _instanceId)
        {
            Forget(clientTaskId);
            return;
        }
        var members = await _store.GetMembersAsync(clientTaskId, ct);
        foreach (var member in members.Where(m => !m.IsFinished))
        {
            _open.Add(member.TaskIdCommitment, clientTaskId, NowMs);
        }
        if (_open.TakeSync(clientTaskId))
        {
            foreach (var member in members.Where(m => !m.IsFinished))
            {
                await SyncAsync(member, ct);
            }
        }
        // After the sync, so that a task it found started or ended gives its place in the Relay's queue back now.
        foreach (var member in members)
        {
            TrackRelayQueue(member);
        }

        // Members may be added (validation groups) while walking the list.
        for (var i = 0; i < members.Count; i++)
        {
            await StepAsync(members[i], members, ct);
        }
        await ValidateGroupsAsync(members, ct);
        await CancelSiblingsAsync(members, ct);
        await FinishAsync(task, members, ct);
    }

    private async Task StepAsync(InferenceTaskRow task, List<InferenceTaskRow> members, CancellationToken ct)
    {
        if (task.IsFinished)
        {
            _open.RemoveCommitment(task.TaskIdCommitment);
            return;
        }
        if (task.State == InferenceStatus.Pending)
        {
            if (!_gate.TryEnter(task.TaskIdCommitment, QueueKind(task), task.ClientTaskId, bypass: task.IsValidation == 1, out var wake))
            {
                if (wake is { } earlier)
                {
                    Schedule(earlier, TimeSpan.Zero);
                }
                return; // woken when a task of its kind leaves the Relay's queue
            }
            if (!await CreateAsync(task, ct))
            {
                TrackRelayQueue(task);
                return;
            }
        }
        if (task.IsValidation == 0 && task.NeedValidation is null && task.SamplingSeed.Length > 0)
        {
            // Created in an earlier life (adopted or resynced): the VRF was not stored with the create.
            var (proof, number, need) = Vrf(task.SamplingSeed);
            await _store.SaveVrfAsync(task, proof, number, need, NowMs, ct);
        }
        if (task.NeedValidation == 1 && task.GroupId is null && task.IsValidation == 0)
        {
            await AddValidationMembersAsync(task, members, ct);
        }
        if (task.NeedValidation == 0 && task.ValidateSent == 0 && task.State is InferenceStatus.ScoreReady or InferenceStatus.ErrorReported)
        {
            await ValidateSingleAsync(task, ct);
        }
        if (task.State == InferenceStatus.EndSuccess)
        {
            await DownloadAsync(task, ct);
        }
    }

    /// <summary>The client task is done here (finished, or not ours): drop its in-memory state and its Relay-queue places.</summary>
    private void Forget(long clientTaskId)
    {
        _metrics.Traces.Forget(clientTaskId);
        _open.RemoveClientTask(clientTaskId);
        _gate.ReleaseClientTask(clientTaskId).ForEach(next => Schedule(next, TimeSpan.Zero));
    }

    private static string QueueKind(InferenceTaskRow task) => $"{task.TaskType}|{task.TaskModelIds}|{task.RequiredGpu}|{task.RequiredGpuVram}";

    /// <summary>Keeps the Relay-queue count in step with what the database says about the task.</summary>
    private void TrackRelayQueue(InferenceTaskRow task)
    {
        if (task.Stage == 1)
        {
            _gate.Observe(task.TaskIdCommitment, QueueKind(task), task.ClientTaskId);
        }
        else if (task.Stage > 1 && _gate.Left(task.TaskIdCommitment) is { } next)
        {
            Schedule(next, TimeSpan.Zero);
        }
    }

    private async Task<bool> CreateAsync(InferenceTaskRow task, CancellationToken ct)
    {
        var request = new CreateTaskRequest(task.TaskIdCommitment, task.TaskArgs, task.TaskType, task.Nonce, task.ModelIds, task.MinVram,
            task.RequiredGpu, task.RequiredGpuVram, task.TaskVersion, task.TaskSize, task.TaskFee, task.Timeout);
        try
        {
            var created = await _relay.CreateTaskAsync(request, ct);
            _metrics.Stage("create", TimeSpan.FromMilliseconds(NowMs - task.CreatedAt));
            await _store.MarkCreatedAsync(task, created.Sequence, created.SamplingSeed, NowMs, ct, task.IsValidation == 0 ? Vrf(created.SamplingSeed) : null);
            _open.Touch(task.TaskIdCommitment, NowMs);
            Heat();
            return true;
        }
        catch (RelayException e) when (e.Kind == RelayErrorKind.Rejected && e.RelayMessage == "Task already uploaded")
        {
            // An earlier attempt reached the Relay but its answer was lost: the task exists, and is ours if we are its creator.
            return await AdoptAsync(task, ct);
        }
        catch (RelayException e) when (e.Kind is RelayErrorKind.Rejected or RelayErrorKind.NotFound)
        {
            _log.LogWarning("Relay rejected task {Commitment}: {Error}", task.TaskIdCommitment, e.Message);
            await AbortLocallyAsync(task, Failure.Prefix(e) + e.RelayMessage, ct);
            return false;
        }
        catch (RelayException e) when (e.Kind == RelayErrorKind.ServerError && task.Attempts + 1 >= 5)
        {
            await AbortLocallyAsync(task, "relay_error: " + e.RelayMessage, ct);
            return false;
        }
        catch (RelayException e)
        {
            await RetryLaterAsync(task, e, ct);
            return false;
        }
    }

    /// <summary>The VRF over the task's sampling seed with the wallet key, and whether it selects a validation group.</summary>
    private (string Proof, string Number, bool NeedValidation) Vrf(string samplingSeed)
    {
        var proof = Ecvrf.Prove(_key, Hex.Decode(samplingSeed));
        return (Hex.Encode(proof.Proof), Hex.Encode(proof.Beta), Ecvrf.IsSelectedForValidation(proof.Beta));
    }

    private async Task<bool> AdoptAsync(InferenceTaskRow task, CancellationToken ct)
    {
        try
        {
            var existing = await _relay.GetTaskAsync(task.TaskIdCommitment, ct);
            if (!EthAddress.AreEqual(existing.Creator, _key.Address))
            {
                await AbortLocallyAsync(task, "relay_rejected: the commitment belongs to another creator", ct);
                return false;
            }
            await _store.MarkCreatedAsync(task, existing.Sequence, existing.SamplingSeed, NowMs, ct);
            await ApplyRelayStateAsync(task, existing, ct);
            return true;
        }
        catch (RelayException e)
        {
            await RetryLaterAsync(task, e, ct);
            return false;
        }
    }

    private async Task AddValidationMembersAsync(InferenceTaskRow original, List<InferenceTaskRow> members, CancellationToken ct)
    {
        var gpu = original.RequiredGpu;
        var vram = original.RequiredGpuVram;
        if (original.Type == TaskType.Llm)
        {
            // LLM scores are compared exactly, so the other members must run on the same GPU model as the original's node.
            if (original.SelectedNode.Length == 0)
            {
                return;
            }
            try
            {
                var node = await _relay.GetNodeAsync(original.SelectedNode, ct);
                gpu = node.GpuName;
                vram = node.GpuVram;
            }
            catch (RelayException e)
            {
                await RetryLaterAsync(original, e, ct);
                return;
            }
        }
        var now = NowMs;
        var added = Enumerable.Range(0, 2).Select(_ =>
        {
            var nonce = Hex.Encode(TaskIdentity.NewNonce());
            return new InferenceTaskRow
            {
                ClientTaskId = original.ClientTaskId, IsValidation = 1, NeedValidation = 1, TaskArgs = original.TaskArgs, TaskType = original.TaskType,
                TaskModelIds = original.TaskModelIds, TaskVersion = original.TaskVersion, TaskFee = original.TaskFee, MinVram = original.MinVram,
                RequiredGpu = gpu, RequiredGpuVram = vram, TaskSize = original.TaskSize, Timeout = original.Timeout, TaskId = original.TaskId,
                Nonce = nonce, TaskIdCommitment = TaskIdentity.CommitmentHex(original.TaskId, nonce), CreatedBy = _instanceId,
                CreatedAt = now, UpdatedAt = now,
            };
        }).ToList();
        if (await _store.AddValidationMembersAsync(original, added, now, ct))
        {
            foreach (var member in added)
            {
                _open.Add(member.TaskIdCommitment, original.ClientTaskId, now);
                members.Add(member);
            }
        }
    }

    private async Task DownloadAsync(InferenceTaskRow task, CancellationToken ct)
    {
        var seen = _open.LastChange(task.TaskIdCommitment, NowMs);
        try
        {
            if (task.Type == TaskType.StableDiffusionFinetune)
            {
                await _relay.DownloadResultAsync(task.TaskIdCommitment, null, _files.CheckpointPath(task.TaskIdCommitment), ct);
            }
            else
            {
                // The files of one task download side by side.
                await Task.WhenAll(Enumerable.Range(0, (int)Math.Max(1, task.TaskSize))
                    .Where(i => !File.Exists(_files.PathOf(task.TaskIdCommitment, i, task.Type)))
                    .Select(i => _relay.DownloadResultAsync(task.TaskIdCommitment, i, _files.PathOf(task.TaskIdCommitment, i, task.Type), ct)));
            }
        }
        catch (RelayException e) when (e.Kind != RelayErrorKind.Transient && task.Attempts + 1 >= 8)
        {
            await _store.GiveUpAsync(task.Id, "download_failed: " + e.RelayMessage, NowMs, ct);
            task.Stage = Stages.Finished;
            task.LastError = "download_failed: " + e.RelayMessage;
            return;
        }
        catch (RelayException e)
        {
            await RetryLaterAsync(task, e, ct);
            return;
        }
        _metrics.Stage("download", TimeSpan.FromMilliseconds(NowMs - seen));
        await AdvanceAsync(task, InferenceStatus.ResultDownloaded, TaskUpdate.None, ct);
    }

    private async Task SyncAsync(InferenceTaskRow task, CancellationToken ct)
    {
        try
        {
            var relayTask = await _relay.GetTaskAsync(task.TaskIdCommitment, ct);
            if (task.State == InferenceStatus.Pending)
            {
                await _store.MarkCreatedAsync(task, relayTask.Sequence, relayTask.SamplingSeed, NowMs, ct);
            }
            await ApplyRelayStateAsync(task, relayTask, ct);
        }
        catch (RelayException e) when (e.Kind == RelayErrorKind.NotFound)
        {
            if (task.State != InferenceStatus.Pending)
            {
                // Created once, gone now (history retention, or a Relay reset): nothing will come of it.
                await AdvanceAsync(task, InferenceStatus.EndAborted, new TaskUpdate(LastError: "relay_not_found: the task is no longer on the relay"), ct);
            }
        }
        catch (RelayException e)
        {
            _log.LogDebug("Resync of {Commitment} failed: {Error}", task.TaskIdCommitment, e.Message);
        }
    }

    private Task ApplyRelayStateAsync(InferenceTaskRow task, RelayTask relayTask, CancellationToken ct)
    {
        var status = FromRelay((RelayTaskStatus)relayTask.Status);
        return AdvanceAsync(task, status, new TaskUpdate(relayTask.SelectedNode, relayTask.AbortReason, relayTask.TaskError), ct);
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

    /// <summary>Writes a forward move and mirrors it on the in-memory row (a late or repeated move changes nothing).</summary>
    private async Task AdvanceAsync(InferenceTaskRow task, InferenceStatus status, TaskUpdate update, CancellationToken ct)
    {
        if (await _store.AdvanceAsync(task.Id, status, update, NowMs, ct))
        {
            _open.Touch(task.TaskIdCommitment, NowMs);
        }
        var fresh = await _store.GetInferenceTaskAsync(task.Id, ct);
        if (fresh is not null)
        {
            Copy(fresh, task);
        }
    }

    private static void Copy(InferenceTaskRow from, InferenceTaskRow to)
    {
        to.Status = from.Status;
        to.Stage = from.Stage;
        to.SelectedNode = from.SelectedNode;
        to.AbortReason = from.AbortReason;
        to.TaskError = from.TaskError;
        to.ValidateSent = from.ValidateSent;
        to.CancelSent = from.CancelSent;
        to.LastError = from.LastError;
        to.Attempts = from.Attempts;
        to.DownloadedAt = from.DownloadedAt;
    }

    private Task AbortLocallyAsync(InferenceTaskRow task, string error, CancellationToken ct) =>
        AdvanceAsync(task, InferenceStatus.EndAborted, new TaskUpdate(LastError: error), ct);

    private async Task RetryLaterAsync(InferenceTaskRow task, RelayException error, CancellationToken ct)
    {
        task.Attempts++;
        await _store.SetFlagsAsync(task.Id, attempts: task.Attempts, lastError: error.Message, now: NowMs, ct: ct);
        // 1 s, 2 s, 4 s … up to a minute, with jitter; a Relay outage only delays tasks.
        var delay = TimeSpan.FromMilliseconds(Math.Min(60_000, 1000 * Math.Pow(2, Math.Min(task.Attempts - 1, 6))) * (0.75 + Random.Shared.NextDouble() / 2));
        _log.LogInformation("Relay call for {Commitment} failed ({Error}); retry {Attempt} in {Delay}", task.TaskIdCommitment, error.Message, task.Attempts, delay);
        Schedule(task.ClientTaskId, delay);
    }
}
