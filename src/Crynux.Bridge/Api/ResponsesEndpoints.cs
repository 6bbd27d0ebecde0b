using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Llm;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Api;

/// <summary>
/// OpenAI's Responses API over Crynux LLM tasks: POST /v1/responses (with the typed SSE stream), GET and DELETE
/// /v1/responses/{id}. A request is mapped to the same task a chat completion would make; stored responses keep their
/// conversation so that previous_response_id can continue it.
/// </summary>
public static class ResponsesEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var rt = app.ServiceProvider.GetRequiredService<ResponsesRuntime>();
        foreach (var prefix in new[] { "/v1/llm", "/v1" })
        {
            app.MapPost(prefix + "/responses", (HttpContext http, CancellationToken _) => CreateAsync(http, rt))
                .WithTags("LLM").AddEndpointFilter(NativeErrors.OpenAiFilter).WithSummary("Create a model response (OpenAI responses.create)")
                .Accepts<Schemas.ResponseRequest>("application/json").Produces<Schemas.ResponseObject>().WithOpenAiErrors();
            app.MapGet(prefix + "/responses/{id}", (HttpContext http, string id) => GetAsync(http, rt, id))
                .WithTags("LLM").AddEndpointFilter(NativeErrors.OpenAiFilter).WithSummary("A stored response of this API key (OpenAI responses.retrieve)")
                .Produces<Schemas.ResponseObject>().WithOpenAiErrors();
            app.MapDelete(prefix + "/responses/{id}", (HttpContext http, string id) => DeleteAsync(http, rt, id))
                .WithTags("LLM").AddEndpointFilter(NativeErrors.OpenAiFilter).WithSummary("Delete a stored response of this API key (OpenAI responses.delete)")
                .Produces<Schemas.ResponseDeleted>().WithOpenAiErrors();
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ResponsesRuntime rt)
    {
        var llm = rt.Llm;
        var key = await llm.Auth.AuthenticateAsync(http, Roles.Chat);
        var body = await JsonBody.ReadObjectAsync(http.Request);
        if (ResponsesRequestParser.PreviousResponseId(body, out var previousId) is { } previousError)
        {
            throw new ProblemException(previousError);
        }
        var history = previousId is null ? null : await HistoryAsync(rt, key, previousId, http.RequestAborted);
        var (request, error) = ResponsesRequestParser.Parse(body, history, llm.Llm);
        if (error is not null)
        {
            throw new ProblemException(error);
        }
        var chat = request!.Chat;
        var model = llm.CheckModel(chat.Model);
        // A chain of previous_response_id turns grows past any one body: the whole conversation obeys the body limit.
        if (Encoding.UTF8.GetByteCount(chat.TaskArgs) > llm.Options.Http.MaxBodyBytes)
        {
            throw new ProblemException(new Problem(400, previousId is null ? "input" : "previous_response_id",
                $"The conversation is larger than the {llm.Options.Http.MaxBodyBytes} bytes this bridge accepts.", "invalid_request_error", "context_length_exceeded"));
        }
        if (chat.IgnoredParameters.Count > 0)
        {
            http.Response.Headers["x-crynux-ignored-parameters"] = string.Join(',', chat.IgnoredParameters);
        }
        var spec = new TaskSpec(TaskType.Llm, chat.TaskArgs, [$"base:{model}"], llm.MinVram(chat, null), "", 0, 1, llm.Options.Task.DefaultTaskVersion,
            Fees.CnxToWei(llm.Options.Task.DefaultLlmTaskFeeCnx));
        var task = await llm.Runs.AdmitAsync(http, key, ClientTaskKind.Chat, spec, chat.HasTools ? "tools" : null,
            fee: FeeTerms.Read(http, body, operatorDefault: true));
        var replayed = http.Response.Headers.ContainsKey("Idempotent-Replayed");
        var response = new ResponseExchange(rt, key.Id, task.Id, task.CreatedAt, request, "resp_" + task.PublicId,
            ResponseExchange.PendingRequest(body, history));
        if (!chat.Stream)
        {
            await response.SaveStartAsync(replayed, http.RequestAborted);
            var (status, final) = await response.FinishAsync();
            return status == "failed"
                ? throw new ProblemException(response.FailureProblem!)
                : Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(final, JsonOptions), "application/json");
        }
        await StreamAsync(http, rt, response, replayed);
        return Results.Empty;
    }

    /// <summary>
    /// The stream opens with response.created and response.in_progress right after admission, carries keep-alive comments
    /// from the shared ticker while the network works, then the output events and response.completed; a failure is
    /// response.failed. The response is stored (when asked) even if the client has gone.
    /// </summary>
    private static async Task StreamAsync(HttpContext http, ResponsesRuntime rt, ResponseExchange exchange, bool replayed)
    {
        var response = http.Response;
        EventStream.Open(response);
        var ct = http.RequestAborted;
        var events = new ResponseEvents();
        var connected = await WriteEventsAsync(response, events.Opening(exchange.Started), ct);
        // Stored after the first bytes left: the client hears at once, and nothing can ask for the id before it has it.
        await exchange.SaveStartAsync(replayed, rt.Stopping);
        (string Status, JsonObject Final) outcome;
        await using (rt.Llm.KeepAlive.Subscribe(response.Body, ct))
        {
            outcome = await exchange.FinishAsync();
        }
        if (connected)
        {
            await WriteEventsAsync(response, outcome.Status == "failed" ? [events.Failed(outcome.Final)] : events.Answer(outcome.Final, exchange.Result!), ct);
        }
    }

    /// <summary>False when the client has gone (its task runs on and the answer is still stored).</summary>
    private static async Task<bool> WriteEventsAsync(HttpResponse response, IEnumerable<(string Type, JsonObject Data)> events, CancellationToken ct)
    {
        try
        {
            foreach (var (type, data) in events)
            {
                await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: {type}\ndata: {data.ToJsonString(JsonOptions)}\n\n"), ct);
            }
            await response.Body.FlushAsync(ct);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private static async Task<IResult> GetAsync(HttpContext http, ResponsesRuntime rt, string id)
    {
        var key = await rt.Llm.Auth.AuthenticateAsync(http, Roles.Chat);
        var row = await rt.Store.GetAsync(key.Id, id, http.RequestAborted) ?? throw NotFound("response_id", id);
        return Results.Text(row.Body, "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, ResponsesRuntime rt, string id)
    {
        var key = await rt.Llm.Auth.AuthenticateAsync(http, Roles.Chat);
        if (!await rt.Store.DeleteAsync(key.Id, id, http.RequestAborted))
        {
            throw NotFound("response_id", id);
        }
        return Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["id"] = id, ["object"] = "response", ["deleted"] = true }), "application/json");
    }

    /// <summary>The stored conversation of a finished response of this key; another key's response is as unknown as none.</summary>
    private static async Task<JsonArray> HistoryAsync(ResponsesRuntime rt, ApiKeyRow key, string id, CancellationToken ct)
    {
        var row = await rt.Store.GetAsync(key.Id, id, ct) ?? throw NotFound("previous_response_id", id);
        if (row.Status == ResponseExchange.InProgress || row.Conversation is null)
        {
            throw new ProblemException(Problem.BadRequest("previous_response_id",
                $"The response '{id}' has no finished answer to continue (status {row.Status})."));
        }
        return JsonNode.Parse(row.Conversation)!.AsArray();
    }

    private static ProblemException NotFound(string param, string id) =>
        new(new Problem(404, param, $"No response with id '{id}' found.", "invalid_request_error", "not_found"));

    private static JsonSerializerOptions JsonOptions => ResponseExchange.JsonOptions;
}
