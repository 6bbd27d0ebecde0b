using System.Data.Common;
using System.Numerics;
using System.Security.Cryptography;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Observability;
using Crynux.Crypto;

namespace Crynux.Bridge.Engine;

/// <summary>The service API the client endpoints use: admit a task (reserving a use atomically), then wait for its outcome.</summary>
public sealed class TaskSubmitter
{
    private readonly TaskStore _store;
    private readonly AdmissionWriter _writer;
    private readonly IEngineScheduler _scheduler;
    private readonly OpenTasks _open;
    private readonly TaskSignals _signals;
    private readonly TimeProvider _time;
    private readonly string _instanceId;
    private readonly long _leaseMs;
    private readonly TaskTraces _traces;

    public TaskSubmitter(TaskStore store, AdmissionWriter writer, IEngineScheduler scheduler, OpenTasks open, TaskSignals signals, TimeProvider time,
        EngineIdentity identity, BridgeOptions options, BridgeMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _traces = metrics.Traces;
        _store = store;
        _writer = writer;
        _scheduler = scheduler;
        _open = open;
        _signals = signals;
        _time = time;
        _instanceId = identity.InstanceId;
        _leaseMs = options.Engine.LeaseSeconds * 1000L;
    }

    public TaskStore Store => _store;

    public async Task<SubmitResult> SubmitAsync(SubmitRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The caller has looked the Idempotency-Key up (TaskRuns, before the rate limit is spent); the unique index
        // catches the same key racing in on two requests at once (below).
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var task = new ClientTaskRow
        {
            PublicId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ClientId = request.ClientId,
            ApiKeyId = request.ApiKeyId,
            Kind = request.Kind,
            IdempotencyKey = request.IdempotencyKey,
            QuotaReserved = request.ReserveUse && request.ApiKeyId is not null ? 1 : 0,
            LeaseOwner = _instanceId,
            LeaseExpiresAt = now + _leaseMs,
            Meta = request.Meta,
            SpendHeldGwei = request.ReserveUse && request.ApiKeyId is not null ? WorstCaseGwei(request.Spec) : 0,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var members = Enumerable.Range(0, Math.Max(1, request.Spec.RepeatNum)).Select(_ => NewMember(request.Spec, now)).ToList();
        KeyReservation admitted;
        try
        {
            admitted = await _writer.WriteAsync(new NewClientTask(task, members, task.QuotaReserved == 1 ? request.ApiKeyId : null), ct);
        }
        catch (DbException) when (request.IdempotencyKey is not null && request.ApiKeyId is not null)
        {
            // The same key raced in on another request (the unique index refused this one): that one won, return its task.
            var winner = await _store.GetByIdempotencyKeyAsync(request.ApiKeyId.Value, request.IdempotencyKey, ct);
            if (winner is null)
            {
                throw;
            }
            return new SubmitResult(Admission.Replayed, winner);
        }
        if (admitted != KeyReservation.Reserved)
        {
            return new SubmitResult(admitted == KeyReservation.SpendLimitReached ? Admission.SpendLimitExceeded : Admission.QuotaExceeded, null);
        }
        // Taken by this instance at once (already leased to it): the events loop picks its commitments out of the stream.
        foreach (var member in members)
        {
            _open.Add(member.TaskIdCommitment, task.Id, now);
        }
        _traces.Admitted(task.Id); // still on the admitting request: its span becomes the task's parent
        _scheduler.Drive(task.Id);
        _scheduler.RelayActed();
        return new SubmitResult(Admission.Admitted, task);
    }

    /// <summary>
    /// The most a task can cost, in whole GWei rounded up: each of its Relay tasks may be drawn for validation, which adds
    /// two more tasks at the same fee. Held against the key's spend limit until the task closes.
    /// </summary>
    public static long WorstCaseGwei(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var gwei = BigInteger.Pow(10, 9);
        var perTask = (BigInteger.Max(spec.FeeWei, BigInteger.Zero) + gwei - 1) / gwei;
        var total = perTask * 3 * Math.Max(1, spec.RepeatNum);
        return total > long.MaxValue / 4 ? long.MaxValue / 4 : (long)total;
    }

    private InferenceTaskRow NewMember(TaskSpec spec, long now)
    {
        var taskId = Hex.Encode(TaskIdentity.NewTaskId());
        var nonce = Hex.Encode(TaskIdentity.NewNonce());
        return new InferenceTaskRow
        {
            TaskArgs = spec.TaskArgs,
            TaskType = (int)spec.Type,
            TaskModelIds = string.Join(';', spec.ModelIds),
            TaskVersion = spec.TaskVersion,
            TaskFee = spec.FeeWei.ToString(System.Globalization.CultureInfo.InvariantCulture),
            MinVram = spec.MinVram,
            RequiredGpu = spec.RequiredGpu,
            RequiredGpuVram = spec.RequiredGpuVram,
            TaskSize = spec.TaskSize,
            Timeout = spec.Timeout,
            TaskId = taskId,
            Nonce = nonce,
            TaskIdCommitment = TaskIdentity.CommitmentHex(taskId, nonce),
            CreatedBy = _instanceId,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Waits until the client task has an outcome. Cancelling the wait (a client gone) leaves the task running.</summary>
    public async Task<ClientTaskRow> WaitAsync(long clientTaskId, CancellationToken ct)
    {
        _signals.Enter();
        try
        {
            while (true)
            {
                var signal = _signals.Register(clientTaskId);
                var task = await _store.GetClientTaskAsync(clientTaskId, ct) ?? throw new InvalidOperationException($"client task {clientTaskId} vanished");
                if (task.Status != ClientTaskStatus.Running)
                {
                    return task;
                }
                try
                {
                    // The signal is in-process; the slow re-read covers a task finished by another instance after a takeover.
                    await signal.WaitAsync(TimeSpan.FromSeconds(60), _time, ct);
                }
                catch (TimeoutException)
                {
                    // Read the state again.
                }
            }
        }
        finally
        {
            _signals.Leave();
        }
    }
}
