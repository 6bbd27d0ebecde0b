using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Engine;

/// <summary>
/// The engine's calls that a 2026 Relay can take in batches (create, status, validate, abort), each gathered across
/// tasks by a <see cref="BatchLane{TItem,TResult}"/> and each item's outcome turned into what the single route would
/// have answered, so that the executor's steps stay one task each. Where the Relay has no batch routes (2025, learned
/// by <see cref="RelayClient.HasBatchAsync"/>) every call takes the single route, as before. A batch refused as a whole
/// (nothing was processed: a plain-text 404, or the Relay's own 400/500) sends its items on the single routes; a lost
/// or unreadable batch answer throws Transient for every item: each one's outcome is unknown until the Relay is asked.
/// </summary>
internal sealed class RelayBatches
{
    // The Relay's limits are its configuration (its test values are 100, 500, 100, 100); the engine's workers keep
    // batches far below them anyway (one call in flight per worker).
    private const int MaxCreateItems = 100;
    private const int MaxStatusItems = 500;
    private const int MaxValidateItems = 100;
    private const int MaxAbortItems = 100;

    private readonly RelayClient _relay;
    private readonly ILogger _log;
    private readonly BatchLane<CreateTaskRequest, BatchCreateItem> _create;
    private readonly BatchLane<string, BatchStatusItem> _status;
    private readonly BatchLane<ValidationUnit, BatchValidateItem> _validate;
    private readonly BatchLane<string, BatchAbortItem> _abort;

    private readonly bool _enabled;

    /// <param name="enabled">relay.batch_routes: false sends every call on the single routes, whatever the Relay offers.</param>
    public RelayBatches(RelayClient relay, ILogger log, bool enabled = true)
    {
        _enabled = enabled;
        _relay = relay;
        _log = log;
        _create = new(MaxCreateItems, async items => await relay.BatchCreateAsync(items, CancellationToken.None));
        _status = new(MaxStatusItems, StatusAsync);
        _validate = new(MaxValidateItems, async items => await relay.BatchValidateAsync(items, CancellationToken.None));
        _abort = new(MaxAbortItems, async items => await relay.BatchAbortAsync(items, CancellationToken.None));
    }

    /// <summary>Creates one SD or LLM task (in a batch where offered; fine-tune tasks always on the single route).</summary>
    public async Task<RelayTask> CreateAsync(CreateTaskRequest request, CancellationToken ct)
    {
        if (request.TaskType is not (0 or 1) || !await UseBatchAsync(ct))
        {
            return await _relay.CreateTaskAsync(request, ct);
        }
        BatchCreateItem item;
        try
        {
            item = await _create.SendAsync(request, ct);
        }
        catch (RelayException e) when (RefusedAsWhole(e, "create"))
        {
            return await _relay.CreateTaskAsync(request, ct);
        }
        return item.Outcome switch
        {
            // already_exists: an earlier create of this commitment (its answer lost) was stored and charged once.
            BatchCreateItem.Created or BatchCreateItem.AlreadyExists => new RelayTask
            {
                TaskIdCommitment = request.TaskIdCommitment,
                Sequence = item.Sequence,
                SamplingSeed = item.SamplingSeed,
                Status = item.Status,
                AlreadyStored = item.Outcome == BatchCreateItem.AlreadyExists,
            },
            BatchCreateItem.CommitmentConflict =>
                throw new RelayException(RelayErrorKind.Rejected, 200, "task_id_commitment", "commitment_conflict: the commitment exists with other input"),
            BatchCreateItem.PermanentError => throw new RelayException(RelayErrorKind.Rejected, 200, null, item.Error),
            // The Hub outage is as certain a "not created" as the single route's 500 with the same text.
            BatchCreateItem.TemporaryError when item.Error.StartsWith(Failure.BaseModelCheckUnavailable, StringComparison.Ordinal) =>
                throw new RelayException(RelayErrorKind.ServerError, 200, null, item.Error),
            _ => throw new RelayException(RelayErrorKind.Transient, 200, null, $"batch create: {item.Outcome} {item.Error}".TrimEnd()),
        };
    }

    /// <summary>The task's state from a batch status, or null when the Relay has no batch routes (then GET the task).</summary>
    public async Task<BatchStatusItem?> StatusAsync(string commitment, CancellationToken ct)
    {
        if (!await UseBatchAsync(ct))
        {
            return null;
        }
        try
        {
            return await _status.SendAsync(commitment, ct);
        }
        catch (RelayException e) when (RefusedAsWhole(e, "status"))
        {
            return null;
        }
    }

    /// <summary>Validates one unit; throws as the single route would (ServerError: refused; Transient: outcome unknown).</summary>
    public async Task ValidateAsync(ValidationUnit unit, CancellationToken ct)
    {
        if (!await UseBatchAsync(ct))
        {
            await _relay.ValidateAsync(unit.Commitments, unit.TaskId, unit.VrfProof, unit.PublicKey, ct);
            return;
        }
        BatchValidateItem item;
        try
        {
            item = await _validate.SendAsync(unit, ct);
        }
        catch (RelayException e) when (RefusedAsWhole(e, "validate"))
        {
            await _relay.ValidateAsync(unit.Commitments, unit.TaskId, unit.VrfProof, unit.PublicKey, ct);
            return;
        }
        switch (item.Outcome)
        {
            case BatchValidateItem.Validated or BatchValidateItem.AlreadyApplied:
                return;
            case BatchValidateItem.PermanentError:
                throw new RelayException(RelayErrorKind.ServerError, 200, null, item.Error);
            default:
                // temporary_error (a status race): not applied, but it is learned before validating again all the same.
                throw new RelayException(RelayErrorKind.Transient, 200, null, $"batch validate: {item.Outcome} {item.Error}".TrimEnd());
        }
    }

    /// <summary>Cancels a queued task: true when it is cancelled, false when not (best effort), null when the batch answer was lost.</summary>
    public async Task<bool?> AbortAsync(string commitment, CancellationToken ct)
    {
        if (await UseBatchAsync(ct))
        {
            try
            {
                var item = await _abort.SendAsync(commitment, ct);
                return item.Outcome is BatchAbortItem.Cancelled or BatchAbortItem.AlreadyCancelled;
            }
            catch (RelayException e) when (RefusedAsWhole(e, "abort"))
            {
                // On to the single route below.
            }
            catch (RelayException e) when (e.Kind == RelayErrorKind.Transient)
            {
                return null;
            }
        }
        try
        {
            await _relay.AbortAsync(commitment, ct);
            return true;
        }
        catch (RelayException e)
        {
            // Already started, or the answer was lost, or the Relay is away: the task then runs its course and its
            // events (or the sweep) tell how it ended.
            _log.LogDebug("Cancel of {Commitment} not done: {Error}", commitment, e.Message);
            return false;
        }
    }

    /// <summary>A probe that says nothing leaves the single routes in use: they work on both generations.</summary>
    private async Task<bool> UseBatchAsync(CancellationToken ct)
    {
        if (!_enabled)
        {
            return false;
        }
        try
        {
            return await _relay.HasBatchAsync(ct);
        }
        catch (RelayException)
        {
            return false;
        }
    }

    /// <summary>
    /// The Relay processed none of the batch: its plain-text 404 (it went back to the 2025 generation: remembered), or its
    /// own 400/500 about the request as a whole. The items then go on the single routes.
    /// </summary>
    private bool RefusedAsWhole(RelayException e, string route)
    {
        if (e.RouteMissing)
        {
            _log.LogInformation("The Relay has no batch {Route} route any more; using the single routes", route);
            _relay.RememberBatch(false);
            return true;
        }
        if (e.Kind == RelayErrorKind.Transient)
        {
            return false;
        }
        // On a Relay gone back to 2025, POST …/batch is the single create of the commitment "batch" (a JSON 400): the
        // probe, a route that generation lacks, tells again which Relay this is.
        _log.LogWarning("Batch {Route} refused as a whole ({Error}); its items go on the single routes", route, e.Message);
        _relay.ForgetBatch();
        return true;
    }

    /// <summary>One item per commitment (the Relay refuses a batch naming one twice), answered back to every caller.</summary>
    private async Task<IReadOnlyList<BatchStatusItem>> StatusAsync(IReadOnlyList<string> commitments)
    {
        var distinct = commitments.Distinct(StringComparer.Ordinal).ToList();
        var items = await _relay.BatchStatusAsync(distinct, CancellationToken.None);
        var byCommitment = new Dictionary<string, BatchStatusItem>(StringComparer.Ordinal);
        for (var i = 0; i < distinct.Count; i++)
        {
            if (!string.Equals(items[i].TaskIdCommitment, distinct[i], StringComparison.OrdinalIgnoreCase))
            {
                throw new RelayException(RelayErrorKind.Transient, 200, null, "the batch status answer is not in request order");
            }
            byCommitment[distinct[i]] = items[i];
        }
        return [.. commitments.Select(c => byCommitment[c])];
    }
}
