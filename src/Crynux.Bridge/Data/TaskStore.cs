using System.Data.Common;
using Crynux.Bridge.Observability;
using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>Client tasks and their Relay tasks. Every status write is conditional on the stage, so late events never move a task back.</summary>
public sealed class TaskStore
{
    private const string InferenceColumns =
        "client_task_id, group_id, is_validation, task_args, task_type, task_model_ids, task_version, task_fee, min_vram, required_gpu, " +
        "required_gpu_vram, task_size, timeout, status, stage, task_id, nonce, task_id_commitment, sequence, sampling_seed, vrf_proof, " +
        "vrf_number, need_validation, selected_node, abort_reason, task_error, validate_sent, cancel_sent, attempts, outcome_unknown, score, " +
        "last_error, created_by, created_at, updated_at";

    private const string InferenceValues =
        "@ClientTaskId, @GroupId, @IsValidation, @TaskArgs, @TaskType, @TaskModelIds, @TaskVersion, @TaskFee, @MinVram, @RequiredGpu, " +
        "@RequiredGpuVram, @TaskSize, @Timeout, @Status, @Stage, @TaskId, @Nonce, @TaskIdCommitment, @Sequence, @SamplingSeed, @VrfProof, " +
        "@VrfNumber, @NeedValidation, @SelectedNode, @AbortReason, @TaskError, @ValidateSent, @CancelSent, @Attempts, @OutcomeUnknown, @Score, " +
        "@LastError, @CreatedBy, @CreatedAt, @UpdatedAt";

    // A Relay task's fee comes back for every EndAborted but one whose node had finished (reason 8), and for EndGroupRefund.
    private static readonly string Refundable =
        $"(status = {(int)InferenceStatus.EndGroupRefund} OR (status = {(int)InferenceStatus.EndAborted} " +
        $"AND abort_reason NOT IN ({(int)AbortReason.None}, {(int)AbortReason.CreatorValidationTimeout})))";

    private readonly Database _db;
    private readonly BridgeMetrics? _metrics;

    public TaskStore(Database db, BridgeMetrics? metrics = null)
    {
        _db = db;
        _metrics = metrics;
    }

    private const string ClientTaskColumns =
        "public_id, client_id, api_key_id, kind, status, error, idempotency_key, failed_count, result_task_id, quota_reserved, is_open, " +
        "lease_owner, lease_expires_at, meta, spend_held_gwei, created_at, updated_at";

    /// <summary>
    /// Inserts client tasks with their Relay tasks, all in one transaction (one commit and a handful of statements for the
    /// lot). An admission with a key id first reserves one use of that key and the task's worst-case cost against its spend
    /// limit; when the key cannot cover them its rows are not written and its entry in the answer says which limit stopped
    /// it. A database error (a duplicate Idempotency-Key) rolls back the whole batch. Client task ids are set on the rows;
    /// Relay task ids are not read back (the engine finds them by commitment).
    /// </summary>
    public async Task<KeyReservation[]> InsertAsync(IReadOnlyList<NewClientTask> admissions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admissions);
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await using var tx = await connection.BeginTransactionAsync(ct);
        var reservations = await ReserveAsync(connection, tx, admissions, ct);
        var admitted = reservations.Select(r => r == KeyReservation.Reserved).ToArray();
        var tasks = admissions.Where((_, i) => admitted[i]).Select(a => a.Task).ToList();
        var ledger = new SpendLedger();
        tasks.ForEach(t => ledger.Admitted(t.ApiKeyId, t.CreatedAt));
        if (tasks.Count > 0)
        {
            foreach (var (sql, parameters) in MultiRowInsert<ClientTaskRow>.Statements(_db.Driver, "client_tasks", ClientTaskColumns, tasks))
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct));
            }
            var ids = (await connection.QueryAsync<(long Id, string PublicId)>(new CommandDefinition(
                "SELECT id, public_id FROM client_tasks WHERE public_id " + (_db.Driver == DbDriver.Postgres ? "= ANY(@publicIds)" : "IN @publicIds"), new { publicIds = tasks.Select(t => t.PublicId).ToList() },
                tx, cancellationToken: ct))).ToDictionary(r => r.PublicId, r => r.Id, StringComparer.Ordinal);
            var members = new List<InferenceTaskRow>();
            for (var i = 0; i < admissions.Count; i++)
            {
                if (admitted[i])
                {
                    var (task, taskMembers, _) = admissions[i];
                    task.Id = ids[task.PublicId];
                    foreach (var member in taskMembers)
                    {
                        member.ClientTaskId = task.Id;
                        members.Add(member);
                    }
                }
            }
            foreach (var (sql, parameters) in MultiRowInsert<InferenceTaskRow>.Statements(_db.Driver, "inference_tasks", InferenceColumns, members))
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct));
            }
        }
        await ledger.WriteAsync(connection, tx, _db.Driver, ct);
        await tx.CommitAsync(ct);
        return reservations;
    }

    /// <summary>
    /// One conditional UPDATE per API key in the batch (keys in id order); a key that cannot cover all its admissions goes
    /// one by one, and a refused one is told which limit refused it.
    /// </summary>
    private static async Task<KeyReservation[]> ReserveAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<NewClientTask> admissions, CancellationToken ct)
    {
        var result = new KeyReservation[admissions.Count];
        var reserving = Enumerable.Range(0, admissions.Count).Where(i => admissions[i].ReserveKeyId is not null);
        foreach (var group in reserving.GroupBy(i => admissions[i].ReserveKeyId!.Value).OrderBy(g => g.Key))
        {
            var indexes = group.ToList();
            var now = admissions[indexes[^1]].Task.CreatedAt;
            var spend = indexes.Sum(i => admissions[i].Task.SpendHeldGwei);
            if (await ApiKeyStore.TryReserveAsync(connection, tx, group.Key, indexes.Count, spend, now, ct))
            {
                continue;
            }
            foreach (var i in indexes)
            {
                var task = admissions[i].Task;
                if (!await ApiKeyStore.TryReserveAsync(connection, tx, group.Key, 1, task.SpendHeldGwei, task.CreatedAt, ct))
                {
                    result[i] = await RefusedByAsync(connection, tx, group.Key, task.SpendHeldGwei, ct);
                }
            }
        }
        return result;
    }

    private static async Task<KeyReservation> RefusedByAsync(DbConnection connection, DbTransaction tx, long keyId, long spendGwei, CancellationToken ct)
    {
        var key = await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            "SELECT * FROM api_keys WHERE id = @keyId", new { keyId }, tx, cancellationToken: ct));
        return key is { SpendLimitGwei: { } limit, DeletedAt: null } && key.SpendHeldGwei + spendGwei > limit && (key.UseLimit <= 0 || key.UsedCount < key.UseLimit)
            ? KeyReservation.SpendLimitReached
            : KeyReservation.UseLimitReached;
    }

    internal async Task InsertInferenceAsync(DbConnection connection, DbTransaction? tx, InferenceTaskRow member, CancellationToken ct) =>
        member.Id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"INSERT INTO inference_tasks ({InferenceColumns}) VALUES ({InferenceValues})" + _db.ReturningId, member, tx, cancellationToken: ct));

    /// <summary>Adds the two validation members of a group and marks the original's group, once (a second call adds nothing).</summary>
    public async Task<bool> AddValidationMembersAsync(InferenceTaskRow original, IReadOnlyList<InferenceTaskRow> members, long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(members);
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await using var tx = await connection.BeginTransactionAsync(ct);
        var marked = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE inference_tasks SET group_id = @Id, updated_at = @now WHERE id = @Id AND group_id IS NULL",
            new { original.Id, now }, tx, cancellationToken: ct));
        if (marked == 0)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        foreach (var member in members)
        {
            member.GroupId = original.Id;
            await InsertInferenceAsync(connection, tx, member, ct);
        }
        await TaskEventLog.RecordAsync(connection, tx, "id", original.Id, TaskEventNames.ValidationTasksCreated, null, null, now, ct);
        await tx.CommitAsync(ct);
        original.GroupId = original.Id;
        return true;
    }

    public async Task<ClientTaskRow?> GetClientTaskAsync(long id, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ClientTaskRow>(new CommandDefinition(
            "SELECT * FROM client_tasks WHERE id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<ClientTaskRow?> GetClientTaskByPublicIdAsync(string publicId, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ClientTaskRow>(new CommandDefinition(
            "SELECT * FROM client_tasks WHERE public_id = @publicId", new { publicId }, cancellationToken: ct));
    }

    public async Task<ClientTaskRow?> GetByIdempotencyKeyAsync(long apiKeyId, string key, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ClientTaskRow>(new CommandDefinition(
            "SELECT * FROM client_tasks WHERE api_key_id = @apiKeyId AND idempotency_key = @key", new { apiKeyId, key }, cancellationToken: ct));
    }

    public async Task<List<InferenceTaskRow>> GetMembersAsync(long clientTaskId, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        var rows = await connection.QueryAsync<InferenceTaskRow>(new CommandDefinition(
            "SELECT * FROM inference_tasks WHERE client_task_id = @clientTaskId ORDER BY id", new { clientTaskId }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<InferenceTaskRow?> GetInferenceTaskAsync(long id, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<InferenceTaskRow>(new CommandDefinition(
            "SELECT * FROM inference_tasks WHERE id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>
    /// Records the Relay's answer to create: sequence and sampling seed, the Created status, and (for an original task) its
    /// VRF result in the same write.
    /// </summary>
    public async Task MarkCreatedAsync(InferenceTaskRow task, long sequence, string samplingSeed, long now, CancellationToken ct,
        (string Proof, string Number, bool NeedValidation)? vrf = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE inference_tasks SET sequence = @sequence, sampling_seed = @samplingSeed, relay_created_at = @now, attempts = 0, last_error = NULL, outcome_unknown = 0, " +
            $"status = CASE WHEN stage < {(int)TaskStage.Created} THEN {(int)InferenceStatus.Created} ELSE status END, " +
            $"stage = CASE WHEN stage < {(int)TaskStage.Created} THEN {(int)TaskStage.Created} ELSE stage END, updated_at = @now, " +
            "vrf_proof = COALESCE(@proof, vrf_proof), vrf_number = COALESCE(@number, vrf_number), need_validation = COALESCE(@need, need_validation) " +
            "WHERE id = @Id",
            new { task.Id, sequence, samplingSeed, now, proof = vrf?.Proof, number = vrf?.Number, need = vrf is { } v ? (v.NeedValidation ? 1 : 0) : (int?)null },
            tx, cancellationToken: ct));
        await TaskEventLog.RecordAsync(connection, tx, "id", task.Id, TaskEventNames.RelayTaskCreated, InferenceStatus.Created, null, now, ct);
        var ledger = new SpendLedger();
        await SettleFeesAsync(connection, tx, "i.id = @key", task.Id, relayHasIt: true, ledger, ct);
        await CommitAsync(connection, tx, ledger, ct);
        task.Sequence = sequence;
        task.SamplingSeed = samplingSeed;
        task.OutcomeUnknown = 0;
        task.Attempts = 0;
        if (vrf is { } result)
        {
            task.VrfProof = result.Proof;
            task.VrfNumber = result.Number;
            task.NeedValidation = result.NeedValidation ? 1 : 0;
        }
        if (task.Stage < (int)TaskStage.Created)
        {
            task.Status = (int)InferenceStatus.Created;
            task.Stage = (int)TaskStage.Created;
        }
    }

    public async Task SaveVrfAsync(InferenceTaskRow task, string proof, string number, bool needValidation, long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(task);
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE inference_tasks SET vrf_proof = @proof, vrf_number = @number, need_validation = @need, updated_at = @now WHERE id = @Id",
            new { task.Id, proof, number, need = needValidation ? 1 : 0, now }, cancellationToken: ct));
        task.VrfProof = proof;
        task.VrfNumber = number;
        task.NeedValidation = needValidation ? 1 : 0;
    }

    /// <summary>Moves a task forward (never back), giving its fee back when the new status is refunded. Returns whether the row changed.</summary>
    public async Task<bool> AdvanceAsync(long id, InferenceStatus status, TaskUpdate update, long now, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await using var tx = await connection.BeginTransactionAsync(ct);
        var changed = await AdvanceAsync(connection, tx, "id = @key", id, status, update, now, ct) > 0;
        var ledger = new SpendLedger();
        if (changed)
        {
            await SettleFeesAsync(connection, tx, "i.id = @key", id, relayHasIt: false, ledger, ct);
        }
        await CommitAsync(connection, tx, ledger, ct);
        return changed;
    }

    /// <summary>
    /// Applies a batch of Relay events in one transaction (one commit per poll, not per event); returns the commitments
    /// whose rows changed.
    /// </summary>
    public async Task<List<string>> AdvanceByCommitmentsAsync(IReadOnlyList<(string Commitment, InferenceStatus Status, TaskUpdate Update)> changes,
        long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var changed = new List<string>();
        if (changes.Count == 0)
        {
            return changed;
        }
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await using var tx = await connection.BeginTransactionAsync(ct);
        var ledger = new SpendLedger();
        foreach (var (commitment, status, update) in changes)
        {
            if (await AdvanceAsync(connection, tx, "task_id_commitment = @key", commitment, status, update, now, ct) > 0)
            {
                changed.Add(commitment);
                // An event about the task means the Relay has it: its fee was charged, whether or not the create's answer came.
                await SettleFeesAsync(connection, tx, "i.task_id_commitment = @key", commitment, relayHasIt: true, ledger, ct);
            }
        }
        await CommitAsync(connection, tx, ledger, ct);
        return changed;
    }

    private static async Task<int> AdvanceAsync(DbConnection connection, DbTransaction? tx, string where, object key, InferenceStatus status, TaskUpdate update,
        long now, CancellationToken ct)
    {
        var changed = await UpdateStatusAsync(connection, tx, where, key, status, update, now, ct);
        if (changed > 0 && TaskEventLog.ForStatus(status) is { } name)
        {
            await TaskEventLog.RecordAsync(connection, tx, where[..where.IndexOf(' ', StringComparison.Ordinal)], key, name, status, update.LastError, now, ct);
        }
        return changed;
    }

    private static Task<int> UpdateStatusAsync(DbConnection connection, DbTransaction? tx, string where, object key, InferenceStatus status, TaskUpdate update,
        long now, CancellationToken ct)
    {
        var stage = (int)Stages.Of(status);
        // Same-stage updates are allowed so that ScoreReady can still learn its node; lower stages are ignored.
        return connection.ExecuteAsync(new CommandDefinition(
            // attempts first: MySQL evaluates SET left to right with the new values. Progress resets the retry budget.
            "UPDATE inference_tasks SET attempts = CASE WHEN stage < @stage THEN 0 ELSE attempts END, status = @status, stage = @stage, " +
            "selected_node = CASE WHEN @selectedNode IS NULL OR @selectedNode = '' THEN selected_node ELSE @selectedNode END, " +
            "abort_reason = CASE WHEN @abortReason IS NULL THEN abort_reason ELSE @abortReason END, " +
            "task_error = CASE WHEN @taskError IS NULL THEN task_error ELSE @taskError END, " +
            "score = CASE WHEN @score IS NULL OR @score = '' THEN score ELSE @score END, " +
            "last_error = CASE WHEN @lastError IS NULL THEN last_error ELSE @lastError END, " +
            "validate_sent = CASE WHEN @validateSent = 1 THEN 1 ELSE validate_sent END, " +
            // Validated or ended at the Relay: whatever call's answer was lost, its outcome is known now.
            $"outcome_unknown = CASE WHEN @stage >= {(int)TaskStage.Validated} THEN 0 ELSE outcome_unknown END, " +
            $"downloaded_at = CASE WHEN @status = {(int)InferenceStatus.ResultDownloaded} THEN @now ELSE downloaded_at END, updated_at = @now " +
            $"WHERE {where} AND (stage < @stage OR (stage = @stage AND status = @status))",
            new
            {
                key,
                status = (int)status,
                stage,
                selectedNode = update.SelectedNode,
                abortReason = update.AbortReason,
                taskError = update.TaskError,
                lastError = update.LastError,
                validateSent = update.ValidateSent ? 1 : 0,
                score = update.Score,
                now,
            }, tx, cancellationToken: ct));
    }

    /// <summary>
    /// Records what a GET of the task told: the create's answer when it was lost (sequence and seed, first time only), the
    /// score, and the status (forward only); clears <c>outcome_unknown</c>. Returns the row as stored.
    /// </summary>
    public async Task<InferenceTaskRow> LearnAsync(long id, RelayFacts facts, long now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(facts);
        await using (var write = await _db.OpenWriteAsync(ct))
        {
            var connection = write.Connection;
            await using var tx = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE inference_tasks SET attempts = CASE WHEN stage < {(int)TaskStage.Created} THEN 0 ELSE attempts END, " +
                "sequence = CASE WHEN sampling_seed = '' THEN @Sequence ELSE sequence END, " +
                "sampling_seed = CASE WHEN sampling_seed = '' THEN @SamplingSeed ELSE sampling_seed END, " +
                "relay_created_at = COALESCE(relay_created_at, @now), outcome_unknown = 0, " +
                "score = CASE WHEN @Score = '' THEN score ELSE @Score END, " +
                $"status = CASE WHEN stage < {(int)TaskStage.Created} THEN {(int)InferenceStatus.Created} ELSE status END, " +
                $"stage = CASE WHEN stage < {(int)TaskStage.Created} THEN {(int)TaskStage.Created} ELSE stage END, updated_at = @now WHERE id = @id",
                new { id, facts.Sequence, facts.SamplingSeed, facts.Score, now }, tx, cancellationToken: ct));
            await TaskEventLog.RecordAsync(connection, tx, "id", id, TaskEventNames.RelayTaskCreatedObserved, InferenceStatus.Created, null, now, ct);
            await AdvanceAsync(connection, tx, "id = @key", id, facts.Status, facts.Update, now, ct);
            var ledger = new SpendLedger();
            await SettleFeesAsync(connection, tx, "i.id = @key", id, relayHasIt: true, ledger, ct);
            await CommitAsync(connection, tx, ledger, ct);
        }
        return await GetInferenceTaskAsync(id, ct) ?? throw new InvalidOperationException($"inference task {id} vanished");
    }

    /// <summary>A call about the task failed: counts it against the task's retry budget, notes the error, and with
    /// <paramref name="outcomeUnknown"/> marks that the Relay must be asked before the next step. Returns the row as stored.</summary>
    public async Task<InferenceTaskRow> RecordFailureAsync(long id, int attempts, string error, bool outcomeUnknown, long now, CancellationToken ct)
    {
        await using (var write = await _db.OpenWriteAsync(ct))
        {
            await write.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE inference_tasks SET attempts = @attempts, last_error = @error, updated_at = @now, " +
                // (A row the events already moved to Validated or an end has no unknown outcome left: see AdvanceAsync.)
                $"outcome_unknown = CASE WHEN @unknown = 1 AND stage < {(int)TaskStage.Validated} THEN 1 ELSE outcome_unknown END WHERE id = @id",
                new { id, attempts, error = Truncate(error), unknown = outcomeUnknown ? 1 : 0, now }, cancellationToken: ct));
        }
        return await GetInferenceTaskAsync(id, ct) ?? throw new InvalidOperationException($"inference task {id} vanished");
    }

    /// <summary>Clears <c>outcome_unknown</c> (the Relay does not have the task: the create may be sent again).</summary>
    public async Task<InferenceTaskRow> ClearOutcomeUnknownAsync(long id, long now, CancellationToken ct)
    {
        await using (var write = await _db.OpenWriteAsync(ct))
        {
            await write.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE inference_tasks SET outcome_unknown = 0, updated_at = @now WHERE id = @id", new { id, now }, cancellationToken: ct));
        }
        return await GetInferenceTaskAsync(id, ct) ?? throw new InvalidOperationException($"inference task {id} vanished");
    }

    /// <summary>Marks a task as finished without changing its status (a download that gave up, a group that cannot validate).</summary>
    public async Task GiveUpAsync(long id, string error, long now, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE inference_tasks SET stage = {(int)TaskStage.Finished}, last_error = @error, updated_at = @now WHERE id = @id AND stage < {(int)TaskStage.Finished}",
            new { id, error = Truncate(error), now }, cancellationToken: ct));
    }

    public async Task SetFlagsAsync(long id, bool? validateSent = null, bool? cancelSent = null, int? attempts = null, string? lastError = null,
        long now = 0, CancellationToken ct = default)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE inference_tasks SET validate_sent = COALESCE(@validateSent, validate_sent), cancel_sent = COALESCE(@cancelSent, cancel_sent), " +
            "attempts = COALESCE(@attempts, attempts), last_error = COALESCE(@lastError, last_error), updated_at = @now WHERE id = @id",
            new
            {
                id,
                validateSent = validateSent is null ? (int?)null : validateSent.Value ? 1 : 0,
                cancelSent = cancelSent is null ? (int?)null : cancelSent.Value ? 1 : 0,
                attempts,
                lastError = lastError is null ? null : Truncate(lastError),
                now,
            }, cancellationToken: ct));
    }

    /// <summary>
    /// Ends a client task once: success with its result, or failure giving back its use-limit reservation; counts the
    /// outcome for its key and day, and when it closes gives back what it held beyond its charged fees.
    /// </summary>
    /// <param name="close">Also closes the client task (no Relay task of it is still open), saving a write.</param>
    public async Task<bool> FinishClientTaskAsync(ClientTaskRow task, string status, long? resultTaskId, string? error, int failedCount, long now,
        bool close, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(task);
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await using var tx = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE client_tasks SET status = @status, result_task_id = @resultTaskId, error = @error, failed_count = @failedCount, " +
            "finished_at = @now, updated_at = @now, quota_reserved = 0, " +
            "is_open = CASE WHEN @close = 1 THEN 0 ELSE is_open END, lease_owner = CASE WHEN @close = 1 THEN NULL ELSE lease_owner END " +
            $"WHERE id = @Id AND status = '{ClientTaskStatus.Running}'",
            new { task.Id, status, resultTaskId, error = error is null ? null : Truncate(error), failedCount, now, close = close ? 1 : 0 }, tx, cancellationToken: ct));
        if (changed > 0 && status == ClientTaskStatus.Failed && task.QuotaReserved > 0 && task.ApiKeyId is { } keyId)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_keys SET used_count = used_count - 1 WHERE id = @keyId AND used_count > 0", new { keyId }, tx, cancellationToken: ct));
        }
        var ledger = new SpendLedger();
        if (changed > 0)
        {
            ledger.Outcome(task.ApiKeyId, task.CreatedAt, status == ClientTaskStatus.Success);
            if (close)
            {
                await ReleaseHeldAsync(connection, tx, task.Id, ledger, ct);
            }
        }
        await CommitAsync(connection, tx, ledger, ct);
        return changed > 0;
    }

    public async Task CloseClientTaskAsync(long id, long now, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        await using var tx = await connection.BeginTransactionAsync(ct);
        var closed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE client_tasks SET is_open = 0, lease_owner = NULL, updated_at = @now WHERE id = @id AND is_open = 1", new { id, now }, tx, cancellationToken: ct));
        var ledger = new SpendLedger();
        if (closed > 0)
        {
            await ReleaseHeldAsync(connection, tx, id, ledger, ct);
        }
        await CommitAsync(connection, tx, ledger, ct);
    }

    /// <summary>
    /// Charges (when the Relay is known to have the task) and refunds (when its status gives the fee back) the fees of the
    /// Relay tasks <paramref name="where"/> selects, each once: the fee_state column changes 0 → 1 → 2 by conditional UPDATEs.
    /// A refund also gives its amount back to the spend limit.
    /// </summary>
    private static async Task SettleFeesAsync(DbConnection connection, DbTransaction tx, string where, object key, bool relayHasIt, SpendLedger ledger,
        CancellationToken ct)
    {
        var rows = await connection.QueryAsync<FeeRow>(new CommandDefinition(
            "SELECT i.id AS Id, i.task_fee AS TaskFee, i.fee_state AS FeeState, c.id AS ClientTaskId, c.api_key_id AS ApiKeyId, c.created_at AS CreatedAt " +
            $"FROM inference_tasks i JOIN client_tasks c ON c.id = i.client_task_id WHERE {where} AND i.fee_state < 2", new { key }, tx, cancellationToken: ct));
        foreach (var row in rows)
        {
            var state = row.FeeState;
            if (relayHasIt && state == 0 && await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE inference_tasks SET fee_state = 1 WHERE id = @Id AND fee_state = 0", new { row.Id }, tx, cancellationToken: ct)) > 0)
            {
                ledger.Charged(row.ApiKeyId, row.CreatedAt, row.TaskFee);
                state = 1;
            }
            if (state == 1 && await connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE inference_tasks SET fee_state = 2 WHERE id = @Id AND fee_state = 1 AND {Refundable}", new { row.Id }, tx, cancellationToken: ct)) > 0)
            {
                ledger.Refunded(row.ApiKeyId, row.CreatedAt, row.TaskFee);
                var gwei = SpendLedger.CeilingGwei(row.TaskFee);
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE client_tasks SET spend_held_gwei = spend_held_gwei - @gwei WHERE id = @ClientTaskId", new { gwei, row.ClientTaskId }, tx, cancellationToken: ct));
                ledger.Hold(row.ApiKeyId, -gwei);
            }
        }
    }

    /// <summary>
    /// A closed task (no Relay task of it still open) holds exactly its charged, unrefunded fees against the spend limit;
    /// the rest of its admission-time worst case (validation members that were not needed, tasks never created) goes back.
    /// </summary>
    private async Task ReleaseHeldAsync(DbConnection connection, DbTransaction tx, long clientTaskId, SpendLedger ledger, CancellationToken ct)
    {
        // Locking reads: a refund of one of this task's Relay tasks may commit meanwhile, and MySQL's repeatable read would
        // otherwise answer from an older snapshot, releasing what the refund already gave back (the key's held amount went
        // below zero). The row lock orders the two; locking reads see the latest committed values. SQLite has one writer.
        var forUpdate = _db.Driver == DbDriver.Sqlite ? "" : " FOR UPDATE";
        var (keyId, held) = await connection.QuerySingleAsync<(long? KeyId, long Held)>(new CommandDefinition(
            "SELECT api_key_id, spend_held_gwei FROM client_tasks WHERE id = @clientTaskId" + forUpdate, new { clientTaskId }, tx, cancellationToken: ct));
        var fees = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT task_fee FROM inference_tasks WHERE client_task_id = @clientTaskId AND fee_state = 1" + forUpdate, new { clientTaskId }, tx, cancellationToken: ct));
        var kept = fees.Sum(SpendLedger.CeilingGwei);
        if (held != kept && keyId is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE client_tasks SET spend_held_gwei = @kept WHERE id = @clientTaskId", new { kept, clientTaskId }, tx, cancellationToken: ct));
            ledger.Hold(keyId, kept - held);
        }
    }

    /// <summary>Writes the transaction's accounting, commits, then publishes it to the metrics.</summary>
    private async Task CommitAsync(DbConnection connection, DbTransaction tx, SpendLedger ledger, CancellationToken ct)
    {
        await ledger.WriteAsync(connection, tx, _db.Driver, ct);
        await tx.CommitAsync(ct);
        if (_metrics is not null)
        {
            KeyMetrics.Publish(_metrics, ledger.Events);
        }
    }

    /// <summary>Extends every lease this instance holds; returns how many.</summary>
    public async Task<int> RenewLeasesAsync(string owner, long expiresAt, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE client_tasks SET lease_expires_at = @expiresAt WHERE is_open = 1 AND lease_owner = @owner", new { owner, expiresAt }, cancellationToken: ct));
    }

    /// <summary>
    /// Takes open client tasks whose lease is free or expired, and with <paramref name="includeOwn"/> (at start-up) those already
    /// leased to this instance id: a restart picks its own tasks up at once.
    /// </summary>
    public async Task<List<long>> ClaimAsync(string owner, long now, long expiresAt, int limit, bool includeOwn, long afterId, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        var candidates = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM client_tasks WHERE is_open = 1 AND id > @afterId AND (lease_owner IS NULL OR lease_expires_at < @now" +
            (includeOwn ? " OR lease_owner = @owner" : "") + ") ORDER BY id LIMIT " + limit, new { owner, now, afterId }, cancellationToken: ct))).AsList();
        var claimed = new List<long>();
        foreach (var id in candidates)
        {
            var taken = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE client_tasks SET lease_owner = @owner, lease_expires_at = @expiresAt WHERE id = @id AND is_open = 1 " +
                "AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at < @now)", new { id, owner, now, expiresAt }, cancellationToken: ct));
            if (taken > 0)
            {
                claimed.Add(id);
            }
        }
        return claimed;
    }

    public async Task<List<(string Commitment, long ClientTaskId)>> OpenCommitmentsAsync(long clientTaskId, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string, long)>(new CommandDefinition(
            $"SELECT task_id_commitment, client_task_id FROM inference_tasks WHERE client_task_id = @clientTaskId AND stage < {(int)TaskStage.Finished}",
            new { clientTaskId }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Records an event of a Relay task that changes no column (a call sent, a download begun); see <see cref="TaskEventLog"/>.</summary>
    public async Task RecordEventAsync(long id, string name, string? details, long now, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        await TaskEventLog.RecordAsync(write.Connection, null, "id", id, name, null, details, now, ct);
    }

    public async Task<string?> GetStateAsync(string name, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT value FROM engine_state WHERE name = @name", new { name }, cancellationToken: ct));
    }

    public async Task SetStateAsync(string name, string value, CancellationToken ct)
    {
        await using var write = await _db.OpenWriteAsync(ct);
        var connection = write.Connection;
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE engine_state SET value = @value WHERE name = @name", new { name, value }, cancellationToken: ct));
        if (updated == 0)
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO engine_state (name, value) VALUES (@name, @value)", new { name, value }, cancellationToken: ct));
            }
            catch (DbException)
            {
                // Inserted by another instance at the same moment: it holds a value at least as new.
            }
        }
    }

    public async Task<TaskCounts> CountAsync(long sinceMs, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await connection.QuerySingleAsync<TaskCounts>(new CommandDefinition(
            "SELECT COUNT(*) AS total, " +
            $"COALESCE(SUM(CASE WHEN status = '{ClientTaskStatus.Success}' THEN 1 ELSE 0 END), 0) AS success, " +
            $"COALESCE(SUM(CASE WHEN status = '{ClientTaskStatus.Failed}' THEN 1 ELSE 0 END), 0) AS failed, " +
            $"COALESCE(SUM(CASE WHEN status = '{ClientTaskStatus.Running}' THEN 1 ELSE 0 END), 0) AS running, " +
            $"COALESCE(SUM(CASE WHEN status = '{ClientTaskStatus.Success}' THEN finished_at - created_at ELSE 0 END), 0) AS success_ms " +
            "FROM client_tasks WHERE created_at >= @sinceMs", new { sinceMs }, cancellationToken: ct));
    }

    public async Task<List<ClientTaskRow>> ListClientTasksAsync(string? clientId, int limit, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ClientTaskRow>(new CommandDefinition(
            "SELECT * FROM client_tasks WHERE (@clientId IS NULL OR client_id = @clientId) ORDER BY id DESC LIMIT " + limit,
            new { clientId }, cancellationToken: ct));
        return rows.AsList();
    }

    internal static string Truncate(string text) => text.Length <= 3900 ? text : text[..3900];
}
