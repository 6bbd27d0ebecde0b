using Crynux.Bridge.Data;
using Crynux.Bridge.Engine.Workflow;
using Crynux.Bridge.Relay;
using Crynux.Crypto;

namespace Crynux.Bridge.Engine;

public sealed partial class TaskExecutor
{
    /// <param name="fineTuneJob">The task is a round of a fine-tune job: its task_args may name a checkpoint of the bridge's to upload.</param>
    private async Task<bool> CreateAsync(InferenceTaskRow task, List<InferenceTaskRow> members, bool fineTuneJob, CancellationToken ct)
    {
        var checkpoint = fineTuneJob ? InputCheckpoint(task) : null;
        if (checkpoint is { Path: null })
        {
            // Never sent: no Relay task, no fee. The round fails and the job's retry rule applies.
            return await AdvanceAsync(task, members, InferenceStatus.EndAborted, new TaskUpdate(LastError: checkpoint.Value.Problem), ct);
        }
        if (!_gate.TryEnter(task.TaskIdCommitment, QueueKind(task), task.ClientTaskId, bypass: !task.IsOriginal, out var wake))
        {
            if (wake is { } earlier)
            {
                _scheduler.Drive(earlier);
            }
            return false; // woken when a task of its kind leaves the Relay's queue
        }
        var request = new CreateTaskRequest(task.TaskIdCommitment, task.TaskArgs, task.TaskType, task.Nonce, task.ModelIds, task.MinVram,
            task.RequiredGpu, task.RequiredGpuVram, task.TaskVersion, task.TaskSize, task.TaskFee, task.Timeout)
        { CheckpointPath = checkpoint?.Path };
        await _store.RecordEventAsync(task.Id, TaskEventNames.RelayTaskCreateSubmitted, null, NowMs, ct);
        try
        {
            var created = await _batches.CreateAsync(request, ct);
            _metrics.Stage("create", TimeSpan.FromMilliseconds(NowMs - task.CreatedAt));
            await _store.MarkCreatedAsync(task, created.Sequence, created.SamplingSeed, NowMs, ct, task.IsOriginal ? Vrf(created.SamplingSeed) : null);
            Replace(members, task, await ReloadAsync(task, ct));
            if (created.AlreadyStored && created.Status != (int)RelayTaskStatus.Queued)
            {
                // A batch create's already_exists: an earlier create (its answer lost, say at a restart) was stored and the
                // task has moved on since; its events may have passed before this instance watched the commitment. The
                // next pass asks the Relay, as after a lease claim.
                _open.RequestSync(task.ClientTaskId);
                _scheduler.Drive(task.ClientTaskId);
            }
            _open.Touch(task.TaskIdCommitment, NowMs);
            _scheduler.RelayActed();
            return true;
        }
        catch (RelayException e) when (e.Kind == RelayErrorKind.Rejected && e.RelayMessage == "Task already uploaded")
        {
            // An earlier create reached the Relay and its answer was lost: learn the task (and whether it is ours: a GET).
            Replace(members, task, await LearnAsync(task, ct, needCreator: true));
            return true;
        }
        catch (RelayException e) when (e.Kind is RelayErrorKind.Rejected or RelayErrorKind.NotFound
                                           || (e.Kind == RelayErrorKind.ServerError && e.RelayMessage.StartsWith(Failure.BaseModelCheckUnavailable, StringComparison.Ordinal)))
        {
            // (A 2026 Relay's base-model check runs before anything is stored: its 500 "temporarily unavailable" is
            // as certain a "not created" as a validation error, and the client is told to come back.)
            // The Relay's own validation error: the task was not created and no fee was taken.
            _log.LogWarning("Relay rejected task {Commitment}: {Error}", task.TaskIdCommitment, e.Message);
            await _store.RecordEventAsync(task.Id, TaskEventNames.RelayTaskCreateRejected, e.RelayMessage, NowMs, ct);
            _gate.Left(task.TaskIdCommitment);
            return await AdvanceAsync(task, members, InferenceStatus.EndAborted, new TaskUpdate(LastError: Failure.Prefix(e) + e.RelayMessage), ct);
        }
        catch (RelayException e)
        {
            // 5xx, a reset, a timeout, a body that is not the Relay's: created or not is unknown until the Relay is asked.
            await FailedAsync(task, members, e, outcomeUnknown: true, ct);
            return false;
        }
    }

    /// <summary>
    /// Asks the Relay about the task and records what it says: the create's answer if it was lost, the score, the
    /// status. A task the Relay does not have is created again if the bridge never saw it created, and ends otherwise.
    /// A 2026 Relay is asked with a batch status (many tasks, one request); a GET when it has no batch routes, when the
    /// creator must be seen, or when an LLM result's score is still missing (batch status does not carry it).
    /// </summary>
    private async Task<InferenceTaskRow> LearnAsync(InferenceTaskRow task, CancellationToken ct, bool needCreator = false)
    {
        if (!needCreator && await LearnFromStatusAsync(task, ct) is { } learned)
        {
            return learned;
        }
        RelayTask relayTask;
        try
        {
            await _pacer.TurnAsync(task.TaskIdCommitment, ct);
            relayTask = await _relay.GetTaskAsync(task.TaskIdCommitment, ct);
        }
        catch (RelayException e) when (e.Kind == RelayErrorKind.NotFound)
        {
            return await NotOnRelayAsync(task, ct);
        }
        catch (RelayException e)
        {
            var members = new List<InferenceTaskRow> { task };
            return await FailedAsync(task, members, e, outcomeUnknown: task.IsOutcomeUnknown, ct);
        }
        if (!EthAddress.AreEqual(relayTask.Creator, _key.Address))
        {
            await _store.AdvanceAsync(task.Id, InferenceStatus.EndAborted, new TaskUpdate(LastError: "relay_rejected: the commitment belongs to another creator"), NowMs, ct);
            return await ReloadAsync(task, ct);
        }
        var status = FromRelay((RelayTaskStatus)relayTask.Status);
        return await RecordLearnedAsync(task, new RelayFacts(relayTask.Sequence, relayTask.SamplingSeed, relayTask.Score, status,
            new TaskUpdate(relayTask.SelectedNode, relayTask.AbortReason, relayTask.TaskError)), ct);
    }

    /// <summary>The Relay does not have the task (or, in a batch status, it is another creator's: the same answer).</summary>
    private async Task<InferenceTaskRow> NotOnRelayAsync(InferenceTaskRow task, CancellationToken ct)
    {
        if (task.Stage < (int)TaskStage.Created)
        {
            // The lost create never reached the Relay: nothing was charged, create it again.
            return await _store.ClearOutcomeUnknownAsync(task.Id, NowMs, ct);
        }
        // Created once, gone now (history retention, or a Relay reset): nothing will come of it.
        _log.LogWarning("Task {Commitment} is no longer on the Relay", task.TaskIdCommitment);
        await _store.AdvanceAsync(task.Id, InferenceStatus.EndAborted, new TaskUpdate(LastError: "relay_not_found: the task is no longer on the relay"), NowMs, ct);
        return await ReloadAsync(task, ct);
    }

    private async Task<InferenceTaskRow> RecordLearnedAsync(InferenceTaskRow task, RelayFacts facts, CancellationToken ct)
    {
        var fresh = await _store.LearnAsync(task.Id, facts, NowMs, ct);
        if (fresh.Stage != task.Stage)
        {
            _open.Touch(task.TaskIdCommitment, NowMs);
        }
        TrackRelayQueue(fresh);
        return fresh;
    }

    private async Task<bool> AddValidationMembersAsync(InferenceTaskRow original, List<InferenceTaskRow> members, CancellationToken ct)
    {
        var gpu = original.RequiredGpu;
        var vram = original.RequiredGpuVram;
        if (original.Type == TaskType.Llm)
        {
            // LLM scores are compared exactly, so the other members must run on the same GPU as the original's node.
            if (await ExecutionGpuAsync(original, members, ct) is not { } execution)
            {
                return false;
            }
            (gpu, vram) = execution;
        }
        var now = NowMs;
        var added = Enumerable.Range(0, 2).Select(_ =>
        {
            var nonce = Hex.Encode(TaskIdentity.NewNonce());
            return new InferenceTaskRow
            {
                ClientTaskId = original.ClientTaskId,
                IsValidation = 1,
                NeedValidation = 1,
                TaskArgs = original.TaskArgs,
                TaskType = original.TaskType,
                TaskModelIds = original.TaskModelIds,
                TaskVersion = original.TaskVersion,
                TaskFee = original.TaskFee,
                MinVram = original.MinVram,
                RequiredGpu = gpu,
                RequiredGpuVram = vram,
                TaskSize = original.TaskSize,
                Timeout = original.Timeout,
                TaskId = original.TaskId,
                Nonce = nonce,
                TaskIdCommitment = TaskIdentity.CommitmentHex(original.TaskId, nonce),
                CreatedBy = _instanceId,
                CreatedAt = now,
                UpdatedAt = now,
            };
        }).ToList();
        await _store.AddValidationMembersAsync(original, added, now, ct);
        // Added now or by an earlier pass: the stored rows are the truth.
        members.Clear();
        members.AddRange(await _store.GetMembersAsync(original.ClientTaskId, ct));
        foreach (var member in members.Where(m => !m.IsFinished))
        {
            _open.Add(member.TaskIdCommitment, original.ClientTaskId, now);
        }
        return true;
    }

    private async Task<bool> ValidateSingleAsync(InferenceTaskRow task, List<InferenceTaskRow> members, CancellationToken ct)
    {
        _metrics.Stage("validate", TimeSpan.FromMilliseconds(NowMs - _open.LastChange(task.TaskIdCommitment, NowMs)));
        await _store.RecordEventAsync(task.Id, TaskEventNames.ValidationSubmitted, null, NowMs, ct);
        try
        {
            await _batches.ValidateAsync(new ValidationUnit([task.TaskIdCommitment], task.TaskId, task.VrfProof, _publicKeyHex), ct);
        }
        catch (RelayException e) when (e.Kind != RelayErrorKind.Transient)
        {
            // The Relay refused ("illegal task state": most likely an earlier validate went through and its answer was
            // lost): validate no more, and learn the state from the Relay.
            _log.LogWarning("Validate of {Commitment} refused: {Error}", task.TaskIdCommitment, e.Message);
            await _store.SetFlagsAsync(task.Id, validateSent: true, lastError: e.Message, now: NowMs, ct: ct);
            Replace(members, task, await LearnAsync(await ReloadAsync(task, ct), ct));
            return true;
        }
        catch (RelayException e)
        {
            await FailedAsync(task, members, e, outcomeUnknown: true, ct);
            return false;
        }
        _scheduler.RelayActed();
        // ScoreReady becomes Validated; ErrorReported ends aborted (reason 6) with a refund.
        var next = task.State == InferenceStatus.ScoreReady ? InferenceStatus.Validated : InferenceStatus.EndAborted;
        return await AdvanceAsync(task, members, next,
            new TaskUpdate(AbortReason: next == InferenceStatus.EndAborted ? (int)AbortReason.ErrorReported : null, ValidateSent: true), ct);
    }

    private async Task<bool> ValidateGroupAsync(IReadOnlyList<InferenceTaskRow> group, List<InferenceTaskRow> members, CancellationToken ct)
    {
        var original = group.FirstOrDefault(m => m.IsOriginal) ?? group[0];
        _metrics.Stage("validate", TimeSpan.FromMilliseconds(NowMs - group.Max(m => _open.LastChange(m.TaskIdCommitment, NowMs))));
        foreach (var member in group)
        {
            await _store.RecordEventAsync(member.Id, TaskEventNames.ValidationSubmitted, null, NowMs, ct);
        }
        try
        {
            await _batches.ValidateAsync(new ValidationUnit([.. group.Select(m => m.TaskIdCommitment)], original.TaskId, original.VrfProof, _publicKeyHex), ct);
            _scheduler.RelayActed();
            await MarkValidateSentAsync(group, members, null, ct);
            return true;
        }
        catch (RelayException e) when (e.Kind != RelayErrorKind.Transient)
        {
            // e.g. every member reported an error ("illegal previous task status"), or an earlier validate went through.
            _log.LogWarning("Group validate of {Commitment} refused: {Error}", original.TaskIdCommitment, e.Message);
            await MarkValidateSentAsync(group, members, "group validation refused: " + e.RelayMessage, ct);
            foreach (var member in group.Where(m => !m.IsFinished))
            {
                Replace(members, member, await LearnAsync(await ReloadAsync(member, ct), ct));
            }
            return true;
        }
        catch (RelayException e)
        {
            // Validated or not is unknown: every member is asked about before the group is validated again.
            foreach (var member in group.Where(m => !m.IsFinished))
            {
                await FailedAsync(members.First(m => m.Id == member.Id), members, e, outcomeUnknown: true, ct);
            }
            return false;
        }
    }

    private async Task MarkValidateSentAsync(IReadOnlyList<InferenceTaskRow> group, List<InferenceTaskRow> members, string? error, CancellationToken ct)
    {
        foreach (var member in group)
        {
            await _store.SetFlagsAsync(member.Id, validateSent: true, lastError: error, now: NowMs, ct: ct);
            Replace(members, member, await ReloadAsync(member, ct));
        }
    }

    /// <summary>Downloads every result file, checks it, and only then keeps it; a bad file is fetched again after a back-off.</summary>
    private async Task<bool> DownloadAsync(InferenceTaskRow task, List<InferenceTaskRow> members, FineTuneJobRow? job, CancellationToken ct)
    {
        var seen = _open.LastChange(task.TaskIdCommitment, NowMs);
        await _store.RecordEventAsync(task.Id, TaskEventNames.ResultDownloadStarted, null, NowMs, ct);
        try
        {
            if (task.Type == TaskType.StableDiffusionFinetune)
            {
                await _pacer.TurnAsync(task.TaskIdCommitment, ct);
                await _relay.DownloadCheckpointAsync(task.TaskIdCommitment, _files.CheckpointPath(task.TaskIdCommitment), ct);
                if (job is not null)
                {
                    await CheckRoundCheckpointAsync(task, job, ct);
                }
            }
            else
            {
                bool whole;
                try
                {
                    whole = await _relay.HasWholeResultsAsync(ct);
                }
                catch (RelayException e) when (e.Kind == RelayErrorKind.Transient)
                {
                    // The probe said nothing: try the newer route; its own plain-text 404 tells a 2025 Relay just as well.
                    whole = true;
                }
                try
                {
                    await DownloadFilesAsync(task, whole, ct);
                }
                catch (RelayException e) when (e.RouteMissing)
                {
                    // The Relay lacks the route chosen (it changed generation, or the probe said nothing): use the other
                    // one now and remember it (once: both routes missing is a wrong base URL, retried with back-off).
                    _log.LogInformation("Result route of {Commitment} missing at the Relay; switching generation", task.TaskIdCommitment);
                    _relay.RememberWholeResults(!whole);
                    await DownloadFilesAsync(task, !whole, ct);
                }
            }
        }
        catch (RelayException e) when (job is not null && task.GroupId is not null && e.Kind == RelayErrorKind.Rejected && e.RelayMessage == CheckpointNotUploaded)
        {
            // The Relay serves a checkpoint only for a task that ended alone (EndSuccess), never one settled in a
            // validation group: asking again cannot help, the round is retried instead.
            _log.LogWarning("Round {Commitment} was settled in a validation group; the Relay serves no checkpoint for it", task.TaskIdCommitment);
            await _store.GiveUpAsync(task.Id, "checkpoint_unavailable: the round was validated in a group, and the Relay keeps no checkpoint for such rounds", NowMs, ct);
            Replace(members, task, await ReloadAsync(task, ct));
            return true;
        }
        catch (RelayException e) when ((task.Attempts + 1 >= DefiniteFailureBudget && e.Kind != RelayErrorKind.Transient) || task.Attempts + 1 >= DefiniteFailureBudget * 4)
        {
            _log.LogWarning("Download of {Commitment} given up: {Error}", task.TaskIdCommitment, e.Message);
            await _store.GiveUpAsync(task.Id, "download_failed: " + e.RelayMessage, NowMs, ct);
            Replace(members, task, await ReloadAsync(task, ct));
            return true;
        }
        catch (RelayException e)
        {
            await FailedAsync(task, members, e, outcomeUnknown: false, ct);
            return false;
        }
        _metrics.Stage("download", TimeSpan.FromMilliseconds(NowMs - seen));
        return await AdvanceAsync(task, members, InferenceStatus.ResultDownloaded, TaskUpdate.None, ct);
    }

    /// <summary>
    /// Fetches the result files not yet kept: the whole result at once from a Relay that serves it (2026), else one
    /// file per index (2025). Each file is checked before any is kept; a bad one throws Transient (fetched again later).
    /// </summary>
    private async Task DownloadFilesAsync(InferenceTaskRow task, bool whole, CancellationToken ct)
    {
        var (width, height) = task.Type == TaskType.StableDiffusion ? ResultCheck.RequestedSize(task.TaskArgs) : (0, 0);
        var paths = Enumerable.Range(0, (int)Math.Max(1, task.TaskSize)).Select(i => _files.PathOf(task.TaskIdCommitment, i, task.Type)).ToList();
        if (paths.All(File.Exists))
        {
            return; // checked and kept by an earlier pass
        }
        string? Check(byte[] bytes) => task.Type == TaskType.Llm ? ResultCheck.Llm(bytes, task.Score) : ResultCheck.Png(bytes, width, height);
        if (whole)
        {
            await _pacer.TurnAsync(task.TaskIdCommitment, ct);
            var results = await DownloadWholeAsync(task, paths.Count, ct);
            for (var i = 0; i < results.Length; i++)
            {
                if (Check(results[i]) is { } problem)
                {
                    throw new RelayException(RelayErrorKind.Transient, 200, null, $"result {i} failed its check: {problem}");
                }
            }
            for (var i = 0; i < results.Length; i++)
            {
                if (!File.Exists(paths[i]))
                {
                    await ResultFiles.WriteAtomicallyAsync(paths[i], results[i], ct);
                }
            }
            return;
        }
        for (var i = 0; i < paths.Count; i++)
        {
            if (File.Exists(paths[i]))
            {
                continue;
            }
            await _pacer.TurnAsync(task.TaskIdCommitment, ct);
            var bytes = await _relay.DownloadResultAsync(task.TaskIdCommitment, i, ct);
            if (Check(bytes) is { } problem)
            {
                throw new RelayException(RelayErrorKind.Transient, 200, null, $"result {i} failed its check: {problem}");
            }
            await ResultFiles.WriteAtomicallyAsync(paths[i], bytes, ct);
        }
    }

    /// <summary>The whole result, streamed to a temporary file and read from there: LLM JSON as one file, images out of the ZIP.</summary>
    private async Task<byte[][]> DownloadWholeAsync(InferenceTaskRow task, int count, CancellationToken ct)
    {
        var temporary = Path.Combine(_files.Root, task.TaskIdCommitment, "results.download");
        try
        {
            await _relay.DownloadWholeResultAsync(task.TaskIdCommitment, temporary, ct);
            if (task.Type == TaskType.Llm)
            {
                return [await File.ReadAllBytesAsync(temporary, ct)];
            }
            var (images, problem) = ResultArchive.Read(temporary, count, _relay.MaxResultBytes);
            return images ?? throw new RelayException(RelayErrorKind.Transient, 200, null, "the result archive was refused: " + problem);
        }
        finally
        {
            // (File.Delete throws when the folder is missing: a download refused before its first byte never made it.)
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>A member still queued in a group that can no longer succeed: cancel it (best effort; refunds its fee).</summary>
    private async Task<bool> CancelSiblingAsync(InferenceTaskRow sibling, List<InferenceTaskRow> members, CancellationToken ct)
    {
        await _store.SetFlagsAsync(sibling.Id, cancelSent: true, now: NowMs, ct: ct);
        Replace(members, sibling, await ReloadAsync(sibling, ct));
        var cancelled = await _batches.AbortAsync(sibling.TaskIdCommitment, ct);
        var current = members.First(m => m.Id == sibling.Id);
        if (cancelled is null)
        {
            // A lost batch answer: cancelled or not is unknown, and the Relay is asked before anything else.
            await FailedAsync(current, members, new RelayException(RelayErrorKind.Transient, 0, null, "the batch abort answer was lost"), outcomeUnknown: true, ct);
            return true;
        }
        // Not cancelled (already started, or the Relay away): the sibling runs its course, and its events (or the sweep) tell how it ended.
        return cancelled.Value
            ? await AdvanceAsync(current, members, InferenceStatus.EndAborted, new TaskUpdate(AbortReason: (int)AbortReason.Cancelled), ct)
            : true;
    }
}
