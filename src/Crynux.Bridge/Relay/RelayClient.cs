using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Observability;
using Crynux.Crypto;

namespace Crynux.Bridge.Relay;

/// <summary>
/// The typed client of the Crynux Relay: signs every request with the wallet key (Crynux.Crypto), parses the envelopes into
/// results or <see cref="RelayException"/> (only the Relay's own envelopes count as answers; see <see cref="ErrorAsync"/>).
/// Shared reads (clock, events, balance) retry transient failures with a short jittered back-off; calls about one task
/// are sent once, and the engine paces their retries per task.
/// </summary>
public sealed partial class RelayClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly EthKey _key;
    private readonly RelayClock _clock;
    private readonly TimeProvider _time;
    private readonly BridgeMetrics _metrics;
    private readonly int _maxAttempts;
    private readonly long _maxResultBytes;
    private readonly RelayCapabilities _capabilities;
    private readonly Lock _probeGate = new();
    private Task<bool>? _probe;
    private DateTimeOffset _probeSent;
    private static readonly TimeSpan ProbeRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>A commitment no task has: the probes ask about it, so they can never touch a real task.</summary>
    private const string ProbeCommitment = "0x0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// Calls about one task are sent once: the engine paces their retries per task (the Relay allows 2 requests a
    /// second per task), and learns the outcome of a call whose answer was lost before anything else.
    /// </summary>
    private const int TaskCallAttempts = 1;

    public RelayClient(HttpClient http, EthKey key, RelayClock clock, TimeProvider time, BridgeMetrics metrics, RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _key = key;
        _clock = clock;
        _time = time;
        _metrics = metrics;
        _maxAttempts = options.MaxAttempts;
        _maxResultBytes = options.MaxResultBytes;
        _capabilities = new RelayCapabilities(time);
    }

    public string Address => _key.Address;

    /// <summary>relay.max_result_bytes: the most one task's whole result may take, downloaded or unpacked.</summary>
    public long MaxResultBytes => _maxResultBytes;

    public async Task<RelayTask> CreateTaskAsync(CreateTaskRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signed = CreateSigned(request);
        return await SendAsync("create", TaskCallAttempts, () =>
        {
            var (timestamp, signature) = Sign(signed);
            var form = new List<KeyValuePair<string, string>>
            {
                new("task_args", request.TaskArgs),
                new("task_type", Num(request.TaskType)),
                new("nonce", request.Nonce),
                new("min_vram", Num(request.MinVram)),
                new("required_gpu", request.RequiredGpu),
                new("required_gpu_vram", Num(request.RequiredGpuVram)),
                new("task_version", request.TaskVersion),
                new("task_size", Num(request.TaskSize)),
                new("task_fee", request.TaskFeeWei),
                new("timestamp", Num(timestamp)),
                new("signature", signature),
            };
            form.AddRange(request.TaskModelIds.Select(id => new KeyValuePair<string, string>("task_model_ids", id)));
            if (request.Timeout > 0)
            {
                form.Add(new("timeout", Num(request.Timeout)));
            }
            return new HttpRequestMessage(HttpMethod.Post, $"v1/inference_tasks/{request.TaskIdCommitment}")
            {
                Content = request.CheckpointPath is { } checkpoint ? Multipart(form, checkpoint) : new FormUrlEncodedContent(form),
            };
        }, ReadData<RelayTask>, ct);
    }

    /// <summary>The signed object of a create: the single route's form fields, and one item of a batch create.</summary>
    private static JsonObject CreateSigned(CreateTaskRequest request)
    {
        var signed = new JsonObject
        {
            ["task_id_commitment"] = request.TaskIdCommitment,
            ["task_args"] = request.TaskArgs,
            ["task_type"] = request.TaskType,
            ["nonce"] = request.Nonce,
            ["task_model_ids"] = new JsonArray([.. request.TaskModelIds.Select(id => (JsonNode?)JsonValue.Create(id))]),
            ["min_vram"] = request.MinVram,
            ["required_gpu"] = request.RequiredGpu,
            ["required_gpu_vram"] = request.RequiredGpuVram,
            ["task_version"] = request.TaskVersion,
            ["task_size"] = request.TaskSize,
            ["task_fee"] = request.TaskFeeWei,
        };
        if (request.Timeout > 0)
        {
            signed["timeout"] = request.Timeout;
        }
        return signed;
    }

    /// <summary>The same fields as a multipart form, plus the checkpoint file streamed from disk (disposed with the request).</summary>
    private static MultipartFormDataContent Multipart(List<KeyValuePair<string, string>> fields, string checkpointPath)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }
        var file = new StreamContent(File.OpenRead(checkpointPath));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        content.Add(file, "checkpoint", "checkpoint.zip");
        return content;
    }

    public Task<RelayTask> GetTaskAsync(string commitment, CancellationToken ct) =>
        SendAsync("get_task", TaskCallAttempts, () => SignedGet($"v1/inference_tasks/{commitment}", new JsonObject { ["task_id_commitment"] = commitment }), ReadData<RelayTask>, ct);

    public Task ValidateAsync(IReadOnlyList<string> commitments, string taskId, string vrfProof, string publicKey, CancellationToken ct)
    {
        var signed = ValidateSigned(commitments, taskId, vrfProof, publicKey);
        return SendAsync("validate", TaskCallAttempts, () => SignedJsonPost("v1/inference_tasks/validate", signed), ReadNothing, ct);
    }

    private static JsonObject ValidateSigned(IReadOnlyList<string> commitments, string taskId, string vrfProof, string publicKey) => new()
    {
        ["task_id_commitments"] = new JsonArray([.. commitments.Select(c => (JsonNode?)JsonValue.Create(c))]),
        ["task_id"] = taskId,
        ["vrf_proof"] = vrfProof,
        ["public_key"] = publicKey,
    };

    public Task AbortAsync(string commitment, CancellationToken ct)
    {
        var signed = new JsonObject { ["abort_reason"] = 7, ["task_id_commitment"] = commitment };
        return SendAsync("abort", TaskCallAttempts, () => SignedJsonPost($"v1/inference_tasks/{commitment}/abort_reason", signed), ReadNothing, ct);
    }

    /// <summary>Downloads result file <paramref name="index"/>, whole (a body cut short throws): the engine checks it before keeping it.</summary>
    public Task<byte[]> DownloadResultAsync(string commitment, int index, CancellationToken ct)
    {
        var signed = new JsonObject { ["index"] = index.ToString(CultureInfo.InvariantCulture), ["task_id_commitment"] = commitment };
        var route = $"v1/inference_tasks/{commitment}/results/{index.ToString(CultureInfo.InvariantCulture)}";
        return SendAsync("download", TaskCallAttempts, () => SignedGet(route, signed), ReadWholeBodyAsync, ct);
    }

    /// <summary>
    /// Whether this Relay serves whole-task results (<c>GET …/results</c>, the 2026 generation) rather than one file per
    /// index: an unsigned probe about a commitment no task has, remembered for a while. A JSON 400 means the route exists,
    /// the plain-text 404 means it does not; any other answer says nothing and throws Transient (probed again next time).
    /// </summary>
    public async Task<bool> HasWholeResultsAsync(CancellationToken ct)
    {
        if (_capabilities.WholeResults is { } known)
        {
            return known;
        }
        // One probe at a time, whoever asks: the tasks that reach download together wait for the same answer, and a
        // failed probe stands for a second (each task's own back-off then decides when it asks again), so a Relay
        // that garbles the probe gets at most about one a second, not one per waiting task.
        Task<bool> probe;
        lock (_probeGate)
        {
            var now = _time.GetUtcNow();
            if (_probe is null || (_probe.IsCompleted && (_probe.IsCompletedSuccessfully || now - _probeSent >= ProbeRetryAfter)))
            {
                _probe = ProbeWholeResultsAsync();
                _probeSent = now;
            }
            probe = _probe;
        }
        return await probe.WaitAsync(ct);
    }

    private async Task<bool> ProbeWholeResultsAsync()
    {
        bool whole;
        try
        {
            await SendAsync("probe_results", 1, () => new HttpRequestMessage(HttpMethod.Get, $"v1/inference_tasks/{ProbeCommitment}/results"), ReadNothing, CancellationToken.None);
            throw new RelayException(RelayErrorKind.Transient, 200, null, "the results probe about a task that does not exist was answered with success");
        }
        catch (RelayException e) when (e.RouteMissing)
        {
            whole = false;
        }
        catch (RelayException e) when (e.Kind is RelayErrorKind.Rejected or RelayErrorKind.NotFound)
        {
            whole = true; // the Relay's own JSON 400 (an unsigned request): the route exists
        }
        _capabilities.Remember(whole);
        return whole;
    }

    /// <summary>What a result route's own plain-text 404 taught (the Relay has the other one), kept as a probe's answer.</summary>
    public void RememberWholeResults(bool wholeResults) => _capabilities.Remember(wholeResults);

    /// <summary>
    /// Downloads a task's whole result (2026: LLM JSON, or a ZIP of every PNG) into <paramref name="path"/>, at most
    /// relay.max_result_bytes of it (more, or a body cut short, throws Transient and keeps nothing). The caller checks it.
    /// </summary>
    public Task DownloadWholeResultAsync(string commitment, string path, CancellationToken ct)
    {
        var signed = new JsonObject { ["task_id_commitment"] = commitment };
        return SendAsync("download", TaskCallAttempts, () => SignedGet($"v1/inference_tasks/{commitment}/results", signed), async (response, token) =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                await using var file = File.Create(path);
                await using var body = await response.Content.ReadAsStreamAsync(token);
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, token)) > 0)
                {
                    total += read;
                    if (total > _maxResultBytes)
                    {
                        throw new IOException($"the result is larger than relay.max_result_bytes ({_maxResultBytes})");
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), token);
                }
                if (response.Content.Headers.ContentLength is { } length && total != length)
                {
                    throw new IOException($"the result download was cut short ({total} of {length} bytes)");
                }
            }
            catch
            {
                File.Delete(path);
                throw;
            }
            return true;
        }, ct);
    }

    /// <summary>Downloads a fine-tune task's checkpoint into <paramref name="path"/>, atomically (a body cut short throws and keeps nothing).</summary>
    public Task DownloadCheckpointAsync(string commitment, string path, CancellationToken ct)
    {
        var signed = new JsonObject { ["task_id_commitment"] = commitment };
        return SendAsync("download", TaskCallAttempts, () => SignedGet($"v1/inference_tasks/{commitment}/results/checkpoint", signed), async (response, token) =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + ".part";
            await using (var file = File.Create(temporary))
            {
                await response.Content.CopyToAsync(file, token);
            }
            if (response.Content.Headers.ContentLength is { } length && new FileInfo(temporary).Length != length)
            {
                File.Delete(temporary);
                throw new IOException($"the checkpoint download was cut short ({length} bytes announced)");
            }
            File.Move(temporary, path, overwrite: true);
            return true;
        }, ct);
    }

    public Task<RelayNode> GetNodeAsync(string address, CancellationToken ct) =>
        SendAsync("node", () => new HttpRequestMessage(HttpMethod.Get, $"v1/node/{address}"), ReadData<RelayNode>, ct);

    public Task<RelayNodeNumbers> GetNodeNumbersAsync(CancellationToken ct) =>
        SendAsync("nodes_number", () => new HttpRequestMessage(HttpMethod.Get, "v1/network/nodes/number"), ReadData<RelayNodeNumbers>, ct);

    /// <summary>The wallet's Relay account balance in wei (v2: the checksummed address in the path is the signer).</summary>
    public async Task<System.Numerics.BigInteger> GetBalanceAsync(CancellationToken ct)
    {
        var text = await SendAsync("balance",
            () => SignedGet($"v2/relay_account/{_key.Address}/balance", new JsonObject { ["address"] = _key.Address }), ReadData<JsonElement>, ct);
        var digits = text.ValueKind == JsonValueKind.String ? text.GetString()! : text.GetRawText();
        return System.Numerics.BigInteger.Parse(digits, CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the Relay's clock and updates the skew estimate used for signatures.</summary>
    public async Task<long> SyncClockAsync(CancellationToken ct)
    {
        var sent = _time.GetUtcNow();
        var now = await SendAsync("now", () => new HttpRequestMessage(HttpMethod.Get, "v1/now"), ReadData<JsonElement>, ct);
        var relayNow = now.GetProperty("now").GetInt64();
        _clock.Update(relayNow, sent, _time.GetUtcNow());
        return relayNow;
    }

    public Task<List<RelayEvent>> GetEventsAsync(long start, int limit, CancellationToken ct) =>
        SendAsync("events", () => new HttpRequestMessage(HttpMethod.Get,
            $"v1/events?start={Num(start)}&limit={Num(limit)}"), ReadData<List<RelayEvent>>, ct);

    public Task<long> GetCurrentEventIdAsync(CancellationToken ct) =>
        SendAsync("events_current_id", () => new HttpRequestMessage(HttpMethod.Get, "v1/events/current_id"), ReadData<long>, ct);

    private (long Timestamp, string Signature) Sign(JsonObject signed)
    {
        var timestamp = _clock.UnixNow();
        return (timestamp, SignedRequest.Sign(_key, signed, timestamp));
    }

    private HttpRequestMessage SignedGet(string path, JsonObject signed)
    {
        var (timestamp, signature) = Sign(signed);
        return new HttpRequestMessage(HttpMethod.Get, $"{path}?timestamp={Num(timestamp)}&signature={signature}");
    }

    private HttpRequestMessage SignedJsonPost(string path, JsonObject signed)
    {
        var (timestamp, signature) = Sign(signed);
        var body = signed.DeepClone().AsObject();
        body["timestamp"] = timestamp;
        body["signature"] = signature;
        return new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
    }

    private Task<T> SendAsync<T>(string endpoint, Func<HttpRequestMessage> build, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken ct) =>
        SendAsync(endpoint, _maxAttempts, build, read, ct);

    /// <summary>One Relay call (all its attempts) as one client span, a child of whatever task pass or request is current.</summary>
    private async Task<T> SendAsync<T>(string endpoint, int maxAttempts, Func<HttpRequestMessage> build, Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        CancellationToken ct)
    {
        using var span = BridgeTelemetry.StartRelayCall(endpoint);
        try
        {
            return await SendAttemptsAsync(endpoint, maxAttempts, build, read, ct);
        }
        catch (Exception e) when (span is not null)
        {
            span.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    private async Task<T> SendAttemptsAsync<T>(string endpoint, int maxAttempts, Func<HttpRequestMessage> build, Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // A fresh message (and signature timestamp) per attempt.
                using var request = build();
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (response.IsSuccessStatusCode)
                {
                    var result = await read(response, ct);
                    _metrics.RelayRequest(endpoint, "ok");
                    return result;
                }
                throw await ErrorAsync(response, ct);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException
                                          || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                // Network failures, an HttpClient timeout, or a body that did not read: the Relay may not have acted, or may have.
                var transient = new RelayException(RelayErrorKind.Transient, 0, null, e.Message, e);
                if (!await BackOffAsync(endpoint, attempt, maxAttempts, ct))
                {
                    throw transient;
                }
            }
            catch (RelayException e) when (e.Kind == RelayErrorKind.Transient)
            {
                if (!await BackOffAsync(endpoint, attempt, maxAttempts, ct))
                {
                    throw;
                }
            }
            catch (RelayException e)
            {
                _metrics.RelayRequest(endpoint, e.Kind.ToString().ToLowerInvariant());
                throw;
            }
        }
    }

    /// <summary>Retries of the shared reads (clock, events, balance): short, since they are few and the engine waits on them.</summary>
    private static readonly RetryBackOff SharedReadBackOff = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), 0.5);

    private async Task<bool> BackOffAsync(string endpoint, int attempt, int maxAttempts, CancellationToken ct)
    {
        _metrics.RelayRequest(endpoint, "transient");
        if (attempt >= maxAttempts)
        {
            return false;
        }
        await Task.Delay(SharedReadBackOff.Delay(attempt, Random.Shared), _time, ct);
        return true;
    }

    /// <summary>
    /// Classifies an error answer. Only the Relay's own JSON envelopes count as an answer: a 400 validation error (a
    /// rejection, or "Task not found") and a 500 with a message (the Relay's checks refused). Anything else — a proxy's
    /// HTML page, an empty or unreadable body, 502/503/504, 429 — says nothing about whether the Relay acted: Transient.
    /// </summary>
    internal static async Task<RelayException> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new RelayException(RelayErrorKind.Transient, status, null, e.Message, e);
        }
        var raw = body.Length > 300 ? body[..300] : body;
        var envelope = RelayEnvelope.TryParse(body);
        return (response.StatusCode, envelope) switch
        {
            (HttpStatusCode.BadRequest, { IsValidationError: true } e) when e.Message == RelayEnvelope.TaskNotFound =>
                new RelayException(RelayErrorKind.NotFound, status, e.Field, e.Message),
            (HttpStatusCode.BadRequest, { IsValidationError: true } e) => new RelayException(RelayErrorKind.Rejected, status, e.Field, e.Message),
            (HttpStatusCode.InternalServerError, { IsValidationError: false, Message.Length: > 0 } e) =>
                new RelayException(RelayErrorKind.ServerError, status, null, e.Message),
            _ => new RelayException(RelayErrorKind.Transient, status, null, raw.Length > 0 ? raw : "no body"),
        };
    }

    private static async Task<byte[]> ReadWholeBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.Content.Headers.ContentLength is { } length && bytes.Length != length)
        {
            throw new IOException($"the body was cut short ({bytes.Length} of {length} bytes)");
        }
        return bytes;
    }

    private static async Task<T> ReadData<T>(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        if (!doc.RootElement.TryGetProperty("data", out var data))
        {
            throw new JsonException("the Relay answered without data");
        }
        return data.Deserialize<T>(Json) ?? throw new JsonException("the Relay answered null data");
    }

    private static async Task<bool> ReadNothing(HttpResponseMessage response, CancellationToken ct)
    {
        await response.Content.ReadAsByteArrayAsync(ct);
        return true;
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
