using System.Text;
using System.Text.Json.Nodes;

namespace Crynux.Bridge.Relay;

/// <summary>The 2026 batch routes (docs/protocol.md §12.4): one signed POST for many tasks, one answer per item in request order.</summary>
public sealed partial class RelayClient
{
    private readonly Lock _batchProbeGate = new();
    private Task<bool>? _batchProbe;
    private DateTimeOffset _batchProbeSent;

    /// <summary>
    /// Whether this Relay serves the batch routes: an unsigned <c>POST …/batch/status</c> with no commitments (the Relay
    /// checks the size before the signature, so its JSON 400 says the route exists; gin's plain-text 404 says it does not).
    /// Never <c>POST …/batch</c>: on a 2025 Relay that is the single create of the commitment "batch". Remembered for a
    /// while; any other answer says nothing and throws Transient (probed again a second later at the earliest).
    /// </summary>
    public async Task<bool> HasBatchAsync(CancellationToken ct)
    {
        if (_capabilities.Batch is { } known)
        {
            return known;
        }
        Task<bool> probe;
        lock (_batchProbeGate)
        {
            var now = _time.GetUtcNow();
            if (_batchProbe is null || (_batchProbe.IsCompleted && (_batchProbe.IsCompletedSuccessfully || now - _batchProbeSent >= ProbeRetryAfter)))
            {
                _batchProbe = ProbeBatchAsync();
                _batchProbeSent = now;
            }
            probe = _batchProbe;
        }
        return await probe.WaitAsync(ct);
    }

    private async Task<bool> ProbeBatchAsync()
    {
        bool batch;
        try
        {
            await SendAsync("probe_batch", 1, () => new HttpRequestMessage(HttpMethod.Post, "v1/inference_tasks/batch/status")
            {
                Content = new StringContent("""{"task_id_commitments":[],"timestamp":1,"signature":"0x00"}""", Encoding.UTF8, "application/json"),
            }, ReadNothing, CancellationToken.None);
            throw new RelayException(RelayErrorKind.Transient, 200, null, "the batch probe with no commitments was answered with success");
        }
        catch (RelayException e) when (e.RouteMissing)
        {
            batch = false;
        }
        catch (RelayException e) when (e.Kind is RelayErrorKind.Rejected or RelayErrorKind.NotFound)
        {
            batch = true;
        }
        _capabilities.RememberBatch(batch);
        return batch;
    }

    /// <summary>What a batch route's plain-text 404 taught (the Relay went back to the 2025 generation).</summary>
    public void RememberBatch(bool batch) => _capabilities.RememberBatch(batch);

    /// <summary>A batch refused as a whole may be a 2025 Relay's single create of the commitment "batch": probe again.</summary>
    public void ForgetBatch() => _capabilities.ForgetBatch();

    /// <summary>Creates SD and LLM tasks; each item is signed exactly as the single create signs it.</summary>
    public Task<List<BatchCreateItem>> BatchCreateAsync(IReadOnlyList<CreateTaskRequest> requests, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var signed = new JsonObject { ["items"] = new JsonArray([.. requests.Select(r => (JsonNode)CreateSigned(r))]) };
        return SendBatchAsync<BatchCreateItem>("batch_create", "v1/inference_tasks/batch", signed, requests.Count, ct);
    }

    /// <summary>Reads many tasks at once (read-only at the Relay).</summary>
    public Task<List<BatchStatusItem>> BatchStatusAsync(IReadOnlyList<string> commitments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        var signed = new JsonObject { ["task_id_commitments"] = new JsonArray([.. commitments.Select(c => (JsonNode?)JsonValue.Create(c))]) };
        return SendBatchAsync<BatchStatusItem>("batch_status", "v1/inference_tasks/batch/status", signed, commitments.Count, ct);
    }

    public Task<List<BatchValidateItem>> BatchValidateAsync(IReadOnlyList<ValidationUnit> units, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(units);
        var signed = new JsonObject { ["items"] = new JsonArray([.. units.Select(u => (JsonNode)ValidateSigned(u.Commitments, u.TaskId, u.VrfProof, u.PublicKey))]) };
        return SendBatchAsync<BatchValidateItem>("batch_validate", "v1/inference_tasks/batch/validate", signed, units.Count, ct);
    }

    /// <summary>Cancels queued tasks (abort reason 7, the only one a creator may give).</summary>
    public Task<List<BatchAbortItem>> BatchAbortAsync(IReadOnlyList<string> commitments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        var signed = new JsonObject
        {
            ["items"] = new JsonArray([.. commitments.Select(c => (JsonNode)new JsonObject { ["abort_reason"] = 7, ["task_id_commitment"] = c })]),
        };
        return SendBatchAsync<BatchAbortItem>("batch_abort", "v1/inference_tasks/batch/abort", signed, commitments.Count, ct);
    }

    /// <summary>
    /// One batch request, sent once (each item's outcome is the engine's to handle). An answer without exactly one item
    /// per request item is not the Relay's and throws Transient: what was done is unknown, as for a lost answer.
    /// </summary>
    private async Task<List<T>> SendBatchAsync<T>(string endpoint, string path, JsonObject signed, int count, CancellationToken ct)
    {
        var items = await SendAsync(endpoint, TaskCallAttempts, () => SignedJsonPost(path, signed), ReadData<List<T>>, ct);
        if (items.Count != count)
        {
            throw new RelayException(RelayErrorKind.Transient, 200, null, $"the Relay answered {items.Count} items for a batch of {count}");
        }
        return items;
    }
}
