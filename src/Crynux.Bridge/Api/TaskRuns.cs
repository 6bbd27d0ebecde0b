using System.Globalization;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Models;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Api;

/// <summary>The shared path of every task-creating route: fee bounds, model allow-list, idempotency, rate limit, use and spend reservation, admission.</summary>
public sealed class TaskRuns(TaskSubmitter submitter, ClientAuth auth, BridgeOptions options, FeeQuotes quotes, BridgeMetrics metrics, ModelPolicy policy)
{
    /// <summary>The fee of the admitted Relay task (each one of a repeat_num group), in wei.</summary>
    public const string TaskFeeHeader = "x-crynux-task-fee";

    public TaskSubmitter Submitter { get; } = submitter;

    public FeePolicy FeePolicy { get; } = new(options.Task);

    /// <param name="feeParam">The request field a fee above the ceiling is blamed on (task_fee, n, …).</param>
    /// <param name="batchItem">An item of a batch: the batch spent the rate once, and Idempotency-Key names the batch, not the item.</param>
    /// <param name="fee">Whether the spec's fee is the operator's default (priced by task.fee_mode) and the client's cap; null: the fee as given, no cap.</param>
    public async Task<ClientTaskRow> AdmitAsync(HttpContext http, ApiKeyRow key, string kind, TaskSpec spec, string? meta = null, string feeParam = "task_fee",
        bool batchItem = false, FeeTerms? fee = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(spec);
        // Raw tasks and fine-tune jobs name their models themselves: the operator's models.allow / models.deny apply to them
        // here (the OpenAI and image routes checked the name the client used, aliases included).
        if (kind is ClientTaskKind.Raw or ClientTaskKind.FineTune && NotOffered(spec, kind) is { } withheld)
        {
            throw new ProblemException(withheld);
        }
        // A model outside the key's allow-list is refused before the Relay is asked for a price.
        if (ModelAllowList.Check(spec, key) is { } notAllowed)
        {
            throw new ProblemException(notAllowed);
        }
        var terms = fee ?? FeeTerms.AsGiven;
        var quote = terms.OperatorDefault
            ? await quotes.QuoteAsync(spec, spec.FeeWei, FeePolicy.CeilingWei(spec.Type), http.RequestAborted)
            : new FeeQuote(spec.FeeWei, fee is null ? FeeQuote.Fixed : FeeQuote.Client);
        spec = spec with { FeeWei = quote.FeeWei };
        // Checked before anything else: a task above the operator's bounds is refused whatever else the request says.
        if (FeePolicy.Check(spec, key, feeParam) is { } tooCostly)
        {
            throw new ProblemException(tooCostly);
        }
        // Then the client's own cap: refused at once, rather than queued at a price the client did not agree to.
        if (terms.CapWei is { } cap && spec.FeeWei > cap)
        {
            throw new ProblemException(terms.AboveCap(spec.FeeWei, cap));
        }
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 255)
        {
            throw new ProblemException(Problem.BadRequest("Idempotency-Key", "Idempotency-Key must be at most 255 characters"));
        }
        var idem = idempotencyKey.Length > 0 && !batchItem ? idempotencyKey : null;
        if (idem is not null && await Submitter.Store.GetByIdempotencyKeyAsync(key.Id, idem, http.RequestAborted) is { } earlier)
        {
            return await ReplayAsync(http, earlier, kind, batchItem);
        }
        if (!batchItem)
        {
            await auth.CheckRateAsync(http, key);
        }
        var result = await Submitter.SubmitAsync(new SubmitRequest(key.ClientId, key.Id, kind, spec, idem, Meta: meta), http.RequestAborted);
        switch (result.Admission)
        {
            case Admission.QuotaExceeded:
                if (!batchItem)
                {
                    await auth.RefundRateAsync(http, key);
                }
                throw new ProblemException(auth.QuotaExceeded(key));
            case Admission.SpendLimitExceeded:
                if (!batchItem)
                {
                    await auth.RefundRateAsync(http, key);
                }
                throw new ProblemException(auth.SpendLimitExceeded(key, TaskSubmitter.WorstCaseGwei(spec)));
            case Admission.Replayed:
                if (!batchItem)
                {
                    await auth.RefundRateAsync(http, key);
                }
                return await ReplayAsync(http, result.Task!, kind, batchItem);
            default:
                metrics.TaskFee(TaskTypeLabel(spec.Type), quote.Mode, spec.FeeWei, Math.Max(1, spec.RepeatNum));
                if (!batchItem)
                {
                    http.Response.Headers[TaskFeeHeader] = spec.FeeWei.ToString(CultureInfo.InvariantCulture);
                }
                http.Items[Llm.LlmRequestLog.ClientTaskItem] = result.Task;
                return result.Task!;
        }
    }

    private async Task<ClientTaskRow> ReplayAsync(HttpContext http, ClientTaskRow earlier, string kind, bool batchItem)
    {
        if (earlier.Kind != kind)
        {
            throw new ProblemException(new Problem(409, "Idempotency-Key", "This Idempotency-Key was used for a different kind of request.", "invalid_request_error", "idempotency_key_reused"));
        }
        http.Response.Headers["Idempotent-Replayed"] = "true";
        // The first request's fee, as stored: a replay spends nothing new.
        if (!batchItem && (await Submitter.Store.GetMembersAsync(earlier.Id, http.RequestAborted)).FirstOrDefault() is { } member)
        {
            http.Response.Headers[TaskFeeHeader] = member.TaskFee;
        }
        return earlier;
    }

    private static string TaskTypeLabel(TaskType type) => type switch
    {
        TaskType.Llm => "llm",
        TaskType.StableDiffusion => "sd",
        _ => "sd_finetune",
    };

    /// <summary>Waits for the outcome; a failed task becomes the problem its failure code calls for.</summary>
    public async Task<ClientTaskRow> WaitForSuccessAsync(ClientTaskRow task, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(task);
        var done = await Submitter.WaitAsync(task.Id, ct);
        return done.Status == ClientTaskStatus.Success ? done : throw new ProblemException(FailureProblem(done.Error));
    }

    public static Problem FailureProblem(string? error)
    {
        var text = error ?? "the task ended without a result";
        return Failure.Code(text) switch
        {
            Failure.InsufficientBalance => new Problem(503, null, "The bridge's Relay account cannot pay for this task right now: " + text, "server_error", "insufficient_balance")
            {
                RetryAfter = TimeSpan.FromSeconds(60),
            },
            Failure.ModelNotFound => new Problem(404, "model", "The Crynux Network does not know this model: " + text, "invalid_request_error", "model_not_found"),
            Failure.ModelCheckUnavailable => new Problem(503, null, "The Relay cannot check the model right now: " + text, "server_error", "model_check_unavailable")
            {
                RetryAfter = TimeSpan.FromSeconds(30),
            },
            Failure.Timeout => new Problem(504, null, "The Crynux Network did not finish the task in time: " + text, "server_error", "timeout") { RetryAfter = TimeSpan.FromSeconds(10) },
            Failure.RelayRejected => new Problem(502, null, "The Relay refused the task: " + text, "server_error", "relay_rejected") { RetryAfter = TimeSpan.FromSeconds(10) },
            _ => new Problem(502, null, "The task failed on the Crynux Network: " + text, "server_error", Failure.Code(text) is { Length: > 0 } c ? c : null)
            {
                RetryAfter = TimeSpan.FromSeconds(5),
            },
        };
    }

    private Problem? NotOffered(TaskSpec spec, string kind)
    {
        foreach (var (id, plain) in spec.BaseModels)
        {
            if (!policy.Allows(plain, id))
            {
                return ModelProblems.NotOffered(plain) with { Param = kind == ClientTaskKind.Raw ? "task_model_ids" : "model_name" };
            }
        }
        return null;
    }
}
