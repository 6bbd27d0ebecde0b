using System.Globalization;
using System.Numerics;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Engine.Workflow;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Api;

/// <summary>
/// LoRA fine-tuning of image models (docs/api.md): a job is one client task whose Relay tasks are rounds, each continuing
/// the last round's checkpoint until a node's archive says FINISH. Create answers at once; the client polls the status
/// and downloads the result ZIP.
/// </summary>
public static class FineTuneEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/images/models").WithTags("Fine-tuning").AddEndpointFilter(NativeErrors.Filter);
        group.MapPost("", CreateAsync).WithSummary("Start a LoRA fine-tune job (JSON, or multipart with an optional checkpoint ZIP to continue)")
            .Accepts<Schemas.FineTuneRequest>("application/json", "multipart/form-data").Produces<Schemas.NumberedClientTaskEnvelope>()
            .Produces<Schemas.NativeError>(413).WithNativeErrors();
        group.MapGet("/{id}/status", StatusAsync).WithSummary("A job's status; without an API key only the status, with the owner's key its rounds too")
            .Produces<Schemas.FineTuneStatusEnvelope>().WithNativeErrors();
        group.MapGet("/{id}/result", ResultAsync).WithSummary("The trained LoRA: the final round's checkpoint ZIP (it holds a FINISH entry)")
            .Produces(200, contentType: "application/zip").Produces<Schemas.NativeError>(409).WithNativeErrors();
    }

    /// <summary>The fee of one round: the operator's fine-tune fee (bounded by task.max_fee_cnx.sd_finetune at admission).</summary>
    private static BigInteger RoundFeeWei(TaskOptions options) => Fees.CnxToWei(options.DefaultSdFinetuneTaskFeeCnx);

    private static async Task<IResult> CreateAsync(HttpContext http, ClientAuth auth, TaskRuns runs, BridgeOptions options, ResultFiles files, Database db)
    {
        var key = await auth.AuthenticateAsync(http, Roles.Image);
        using var upload = http.Request.HasFormContentType && http.Request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase)
            ? await FineTuneUpload.ReadAsync(http.Request, files, options.Task.SdFinetuneMaxCheckpointBytes)
            : null;
        // (Routing answers any other content type with 415.)
        var body = upload is not null ? FineTuneArgs.FromForm(upload.Fields) : await JsonBody.ReadObjectAsync(http.Request);
        var parsed = FineTuneArgs.Parse(body, options.Task);
        if (upload?.CheckpointName is { } checkpoint)
        {
            parsed.Args["checkpoint"] = checkpoint;
        }
        var spec = new TaskSpec(TaskType.StableDiffusionFinetune, parsed.Args.ToJsonString(), [parsed.ModelId], 24, "", 0, 1,
            options.Task.DefaultTaskVersion, RoundFeeWei(options.Task), parsed.TimeoutSeconds);
        var task = await runs.AdmitAsync(http, key, ClientTaskKind.FineTune, spec, feeParam: "model_name");
        if (!http.Response.Headers.ContainsKey("Idempotent-Replayed"))
        {
            upload?.Keep(); // the first round's task_args name it; a replay's job has its own
        }
        return Results.Json(new { message = "success", data = await RawTaskEndpoints.DescribeAsync(db, task, http.RequestAborted) });
    }

    private static async Task<IResult> StatusAsync(HttpContext http, string id, ClientAuth auth, TaskStore store)
    {
        var number = ParseId(id);
        // Compatibility: upstream answers any id without a key. A key, when sent, must be the owner's (or admin).
        var key = http.Request.Headers.Authorization.Count > 0 ? await auth.AuthenticateAsync(http, role: null) : null;
        var task = await store.GetClientTaskAsync(number, http.RequestAborted);
        if (task is not { Kind: ClientTaskKind.FineTune } || (key is not null && !MayRead(key, task)))
        {
            throw new ProblemException(Problem.NotFound("id", "Fine-tune job not found"));
        }
        if (key is null)
        {
            return Results.Json(new { message = "success", data = new { id = task.Id, status = task.Status } });
        }
        var members = await store.GetMembersAsync(task.Id, http.RequestAborted);
        return Results.Json(new
        {
            message = "success",
            data = new
            {
                id = task.Id,
                status = task.Status,
                rounds_done = FineTuneDecision.DoneRounds(members),
                failed_rounds = FineTuneDecision.FailedRounds(members),
                error = task.Error,
                created_at = DateTimeOffset.FromUnixTimeMilliseconds(task.CreatedAt),
                updated_at = DateTimeOffset.FromUnixTimeMilliseconds(task.UpdatedAt),
            },
        });
    }

    private static async Task<IResult> ResultAsync(HttpContext http, string id, ClientAuth auth, TaskStore store, ResultFiles files)
    {
        var number = ParseId(id);
        var key = await auth.AuthenticateAsync(http, role: null);
        var task = await store.GetClientTaskAsync(number, http.RequestAborted);
        if (task is not { Kind: ClientTaskKind.FineTune } || !MayRead(key, task))
        {
            throw new ProblemException(Problem.NotFound("id", "Fine-tune job not found"));
        }
        if (task.Status != ClientTaskStatus.Success || task.ResultTaskId is not { } resultId)
        {
            throw new ProblemException(new Problem(409, "id",
                task.Status == ClientTaskStatus.Running ? "Task result not found: the job is still running" : "Task result not found: the job failed: " + task.Error,
                "invalid_request_error", "task_not_successful"));
        }
        var round = await store.GetInferenceTaskAsync(resultId, http.RequestAborted);
        var path = round is null ? null : files.CheckpointPath(round.TaskIdCommitment);
        if (path is null || !File.Exists(path))
        {
            throw new ProblemException(Problem.NotFound("id", "Task result not found (results are kept for a limited time)"));
        }
        var headers = http.Response.Headers;
        headers.ContentDisposition = "attachment; filename=result.zip";
        headers["Content-Description"] = "File Transfer";
        headers["Content-Transfer-Encoding"] = "binary";
        return Results.File(path, "application/zip"); // streamed from disk
    }

    private static long ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ProblemException(Problem.BadRequest("id", "id must be a positive integer"));

    private static bool MayRead(ApiKeyRow key, ClientTaskRow task) =>
        key.RoleList.Contains(Roles.Admin) || string.Equals(key.ClientId, task.ClientId, StringComparison.OrdinalIgnoreCase);
}
