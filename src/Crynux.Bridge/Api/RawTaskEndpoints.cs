using System.Globalization;
using System.Text.Json;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Llm;

namespace Crynux.Bridge.Api;

/// <summary>
/// Today's raw-task contract beside the seed's: the client is the Bearer key's, tasks are read by their id alone
/// (/v1/inference_tasks/{client_task_id}, /images/{index}, /llm), batches of up to 100, and client_id is the client's
/// number. Reads need a valid key but no use left, so results can be collected after the use limit is spent.
/// </summary>
public static class RawTaskEndpoints
{
    public const int MaxBatch = 100;

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/inference_tasks").WithTags("Raw tasks").AddEndpointFilter(NativeErrors.Filter);
        group.MapPost("/batch", BatchCreateAsync).WithSummary("Create 1 to 100 raw tasks; each item is admitted (and spends one use) on its own")
            .Accepts<Schemas.RawTaskBatchRequest>("application/json").Produces<Schemas.RawTaskBatchEnvelope>().WithNativeErrors();
        group.MapPost("/batch/status", BatchStatusAsync).WithSummary("The state of 1 to 100 client tasks, in request order")
            .Accepts<Schemas.RawTaskStatusRequest>("application/json").Produces<Schemas.RawTaskStatusEnvelope>().WithNativeErrors();
        group.MapGet("/{client_task_id}", GetAsync).WithSummary("A client task of the key's client (client_id as a number)")
            .Produces<Schemas.NumberedClientTaskEnvelope>().WithNativeErrors();
        group.MapGet("/{client_task_id}/images/{index}", GetImageAsync).WithSummary("An image of a successful image task (PNG)")
            .Produces(200, contentType: "image/png").WithNativeErrors();
        group.MapGet("/{client_task_id}/llm", GetLlmAsync).WithSummary("The result JSON of a successful LLM task")
            .Produces(200, contentType: "application/json").WithNativeErrors();
    }

    /// <summary>A client task as today's clients read it: client_id is the client's number.</summary>
    public static async Task<object> DescribeAsync(Database db, ClientTaskRow task, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(task);
        var numbers = await ClientTaskReads.ClientNumbersAsync(db, [task.ClientId], ct);
        return Describe(task, numbers);
    }

    private static object Describe(ClientTaskRow task, IReadOnlyDictionary<string, long> numbers) => new
    {
        id = task.Id,
        created_at = DateTimeOffset.FromUnixTimeMilliseconds(task.CreatedAt),
        updated_at = DateTimeOffset.FromUnixTimeMilliseconds(task.UpdatedAt),
        deleted_at = (DateTimeOffset?)null,
        client_id = numbers.TryGetValue(task.ClientId, out var n) ? n : 0,
        status = task.Status,
        failed_count = task.FailedCount,
    };

    private static async Task<IResult> BatchCreateAsync(HttpContext http, ClientAuth auth, TaskRuns runs, BridgeOptions options, Database db, ApiKeyStore keys)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request);
        var items = ReadArray(body, "tasks");
        var key = await auth.AuthenticateAsync(http, role: null);
        // The authenticated row may be a second old; the up-front quota check reads the count as it is now.
        if ((await keys.FindByClientAsync(key.ClientId, http.RequestAborted) ?? key) is { UseLimit: > 0 } fresh && fresh.UsedCount >= fresh.UseLimit)
        {
            throw new ProblemException(auth.QuotaExceeded(key));
        }
        // One request of the rate for the whole batch; each item then reserves its own use.
        await auth.CheckRateAsync(http, key);
        var outcomes = new List<(int Index, ClientTaskRow? Task, string? Error)>();
        for (var i = 0; i < items.Count; i++)
        {
            try
            {
                if (items[i].ValueKind != JsonValueKind.Object)
                {
                    throw new ProblemException(Problem.BadRequest("tasks", "each task must be a JSON object"));
                }
                var taskType = InferenceTaskEndpoints.ReadTaskType(items[i]);
                var role = InferenceTaskEndpoints.RoleOf(taskType);
                if (!Auth.Roles.Grants(key.RoleList, role))
                {
                    throw new ProblemException(Problem.Forbidden($"The API key does not have the '{role}' role this task type needs.") with { Param = "Authorization" });
                }
                var (spec, feeParam, _, defaultFee) = InferenceTaskEndpoints.ReadSpec(items[i], key, options);
                outcomes.Add((i, await runs.AdmitAsync(http, key, ClientTaskKind.Raw, spec, feeParam: feeParam, batchItem: true,
                    fee: FeeTerms.Read(http, items[i], defaultFee)), null));
            }
            catch (ProblemException e)
            {
                outcomes.Add((i, null, e.Problem.Param is { Length: > 0 } field ? $"{field}: {e.Problem.Message}" : e.Problem.Message));
            }
        }
        var created = outcomes.Where(o => o.Task is not null).Select(o => o.Task!.ClientId).Distinct().ToList();
        var numbers = await ClientTaskReads.ClientNumbersAsync(db, created, http.RequestAborted);
        return Results.Json(new
        {
            message = "success",
            data = outcomes.Select(o => o.Task is null ? (object)new { index = o.Index, error = o.Error } : new { index = o.Index, client_task = Describe(o.Task, numbers) }),
        });
    }

    private static async Task<IResult> BatchStatusAsync(HttpContext http, ClientAuth auth, Database db)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request);
        var items = ReadArray(body, "client_task_ids");
        var ids = new List<long>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            ids.Add(JsonChecks.TryInteger(items[i], out var id) && id > 0
                ? id
                : throw new ProblemException(Problem.BadRequest($"client_task_ids[{i.ToString(CultureInfo.InvariantCulture)}]", "each client task id must be a positive integer")));
        }
        var key = await auth.AuthenticateAsync(http, role: null);
        var rows = (await ClientTaskReads.GetManyAsync(db, [.. ids.Distinct()], http.RequestAborted))
            .Where(t => MayRead(key, t)).ToDictionary(t => t.Id);
        var numbers = await ClientTaskReads.ClientNumbersAsync(db, [.. rows.Values.Select(t => t.ClientId).Distinct()], http.RequestAborted);
        return Results.Json(new
        {
            message = "success",
            data = ids.Select(id => rows.TryGetValue(id, out var t)
                ? (object)new { client_task_id = id, client_task = Describe(t, numbers) }
                : new { client_task_id = id, error = "Client task not found" }),
        });
    }

    private static async Task<IResult> GetAsync(HttpContext http, string client_task_id, ClientAuth auth, TaskStore store, Database db)
    {
        var task = await FindAsync(http, auth, store, client_task_id);
        return Results.Json(new { message = "success", data = await DescribeAsync(db, task, http.RequestAborted) });
    }

    private static async Task<IResult> GetImageAsync(HttpContext http, string client_task_id, string index, ClientAuth auth, TaskStore store, ResultFiles files)
    {
        var task = await FindAsync(http, auth, store, client_task_id);
        if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
        {
            throw new ProblemException(Problem.BadRequest("index", "index must be a non-negative integer"));
        }
        var paths = await ResultOfAsync(http, task, store, files, TaskType.StableDiffusion);
        if (i >= paths.Count || !File.Exists(paths[i]))
        {
            throw new ProblemException(Problem.NotFound("index", "Result not found"));
        }
        return Download(http, paths[i], "image/png", $"{i.ToString(CultureInfo.InvariantCulture)}.png");
    }

    private static async Task<IResult> GetLlmAsync(HttpContext http, string client_task_id, ClientAuth auth, TaskStore store, ResultFiles files)
    {
        var task = await FindAsync(http, auth, store, client_task_id);
        var paths = await ResultOfAsync(http, task, store, files, TaskType.Llm);
        return paths.Count > 0 && File.Exists(paths[0])
            ? Download(http, paths[0], "application/json", "0.json")
            : throw new ProblemException(Problem.NotFound("client_task_id", "Result not found"));
    }

    private static IResult Download(HttpContext http, string path, string contentType, string name)
    {
        var headers = http.Response.Headers;
        headers.ContentDisposition = $"attachment; filename={name}";
        headers["Content-Description"] = "File Transfer";
        headers["Content-Transfer-Encoding"] = "binary";
        return Results.File(path, contentType);
    }

    private static async Task<IReadOnlyList<string>> ResultOfAsync(HttpContext http, ClientTaskRow task, TaskStore store, ResultFiles files, TaskType type)
    {
        if (task.Status != ClientTaskStatus.Success || task.ResultTaskId is null)
        {
            throw new ProblemException(new Problem(409, "client_task_id",
                task.Status == ClientTaskStatus.Running ? "The task is still running" : "Client task was not successful: " + task.Error, "invalid_request_error", "task_not_successful"));
        }
        var (member, paths) = await files.OfClientTaskAsync(store, task, http.RequestAborted)
            ?? throw new ProblemException(Problem.NotFound("client_task_id", "Result not found"));
        return member.Type == type
            ? paths
            : throw new ProblemException(Problem.BadRequest("client_task_id", "Task result type does not match the endpoint: " +
                (member.Type == TaskType.Llm ? "read an LLM result at /llm" : "read images at /images/{index}")));
    }

    private static async Task<ClientTaskRow> FindAsync(HttpContext http, ClientAuth auth, TaskStore store, string clientTaskId)
    {
        var key = await auth.AuthenticateAsync(http, role: null);
        if (!long.TryParse(clientTaskId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            throw new ProblemException(Problem.BadRequest("client_task_id", "client_task_id must be a positive integer"));
        }
        var task = await store.GetClientTaskAsync(id, http.RequestAborted);
        // Another client's task is indistinguishable from a missing one.
        return task is not null && MayRead(key, task) ? task : throw new ProblemException(Problem.NotFound("client_task_id", "Client task not found"));
    }

    private static bool MayRead(ApiKeyRow key, ClientTaskRow task) =>
        key.RoleList.Contains(Auth.Roles.Admin) || string.Equals(key.ClientId, task.ClientId, StringComparison.OrdinalIgnoreCase);

    /// <summary>A JSON array of 1 to 100 items, checked before authentication (as today's bridge does).</summary>
    private static List<JsonElement> ReadArray(JsonElement body, string name)
    {
        if (!JsonChecks.Has(body, name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new ProblemException(Problem.BadRequest(name, $"{name} is required: a JSON array of 1 to {MaxBatch} items"));
        }
        var items = array.EnumerateArray().ToList();
        return items.Count switch
        {
            0 => throw new ProblemException(Problem.BadRequest(name, $"{name} must not be empty")),
            > MaxBatch => throw new ProblemException(Problem.BadRequest(name, $"{name} must contain at most {MaxBatch} items")),
            _ => items,
        };
    }
}
