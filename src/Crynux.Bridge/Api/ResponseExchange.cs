using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Data;
using Crynux.Bridge.Llm;

namespace Crynux.Bridge.Api;

/// <summary>
/// One response from admission to its stored outcome. Made by POST /v1/responses, or again after a restart from the
/// stored request of a response still in progress (<see cref="ResponseRecoveryService"/>).
/// </summary>
/// <param name="pendingRequest">The request body and the conversation it continues, stored with the in-progress row.</param>
internal sealed class ResponseExchange(ResponsesRuntime rt, long apiKeyId, long clientTaskId, long taskCreatedAt, ResponsesRequest request,
    string id, string? pendingRequest)
{
    public const string InProgress = "in_progress";

    internal static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Id { get; } = id;

    public JsonObject Started { get; } = ResponseObjects.InProgress(id, taskCreatedAt / 1000, request.Chat.Model, request.Echo);

    public LlmResult? Result { get; private set; }

    public Problem? FailureProblem { get; private set; }

    /// <summary>What a restarted bridge needs to finish the response: the request body and the history it continued.</summary>
    public static string PendingRequest(JsonElement body, JsonArray? history) =>
        new JsonObject { ["body"] = JsonNode.Parse(body.GetRawText()), ["history"] = history?.DeepClone() }.ToJsonString(JsonOptions);

    public async Task SaveStartAsync(bool replayed, CancellationToken ct)
    {
        // An Idempotency-Key replay returns the same task, so the same response id: it is stored once.
        if (!request.Store || (replayed && await rt.Store.GetByTaskAsync(apiKeyId, clientTaskId, ct) is not null))
        {
            return;
        }
        await rt.Store.InsertAsync(new ResponseRow
        {
            Id = Id,
            ApiKeyId = apiKeyId,
            ClientTaskId = clientTaskId,
            Status = InProgress,
            Body = Started.ToJsonString(JsonOptions),
            CreatedAt = taskCreatedAt,
            ExpiresAt = rt.ExpiresAt(taskCreatedAt),
            Request = pendingRequest,
        }, ct);
    }

    /// <summary>Waits for the task (not for the client, who may leave) and stores the outcome.</summary>
    public async Task<(string Status, JsonObject Final)> FinishAsync()
    {
        var ct = rt.Stopping;
        var done = await rt.Llm.Runs.Submitter.WaitAsync(clientTaskId, ct);
        JsonObject final;
        string? conversation = null;
        if (done.Status == ClientTaskStatus.Success)
        {
            try
            {
                Result = await LlmEndpoints.ReadResultAsync(rt.Llm, done, request.Chat, stripThinking: false, ct);
            }
            catch (ProblemException e)
            {
                FailureProblem = e.Problem;
            }
        }
        else
        {
            FailureProblem = TaskRuns.FailureProblem(done.Error);
        }
        var createdAt = taskCreatedAt / 1000;
        if (Result is not null)
        {
            var finished = done.FinishedAt ?? rt.Time.GetUtcNow().ToUnixTimeMilliseconds();
            final = ResponseObjects.Completed(Id, createdAt, finished / 1000, request.Chat.Model, request.Echo, Result);
            var turn = (JsonArray)request.Conversation.DeepClone();
            turn.Add(ResponseObjects.AssistantMessage(Result));
            conversation = turn.ToJsonString(JsonOptions);
        }
        else
        {
            final = ResponseObjects.Failed(Id, createdAt, request.Chat.Model, request.Echo, FailureProblem!.Message);
        }
        var status = final["status"]!.GetValue<string>();
        if (request.Store)
        {
            await rt.Store.FinishAsync(Id, status, final.ToJsonString(JsonOptions), conversation, ct);
        }
        return (status, final);
    }
}
