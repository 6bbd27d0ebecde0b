using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Llm;

namespace Crynux.Bridge.Api;

/// <summary>
/// Finishes the stored responses a previous run of the bridge left in progress: their tasks resume in the engine, and
/// each response is written when its task ends, as if the request that made it were still waiting. Several instances
/// may finish the same response; only the first write lands (a finished response is final).
/// </summary>
internal sealed partial class ResponseRecoveryService(ResponsesRuntime rt, ILogger<ResponseRecoveryService> log) : BackgroundService
{
    private const int Batch = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rows = await rt.Store.ListUnfinishedAsync(Batch, stoppingToken);
        if (rows.Count == 0)
        {
            return;
        }
        LogResuming(log, rows.Count);
        var waits = new List<Task>(rows.Count);
        foreach (var row in rows)
        {
            if (Rebuild(row) is { } exchange)
            {
                waits.Add(FinishAsync(exchange));
            }
        }
        await Task.WhenAll(waits);
    }

    private ResponseExchange? Rebuild(Data.ResponseRow row)
    {
        try
        {
            var pending = JsonNode.Parse(row.Request!)!.AsObject();
            using var body = JsonDocument.Parse(pending["body"]!.ToJsonString());
            var (request, error) = ResponsesRequestParser.Parse(body.RootElement, pending["history"] as JsonArray, rt.Llm.Llm);
            if (request is null || row.ClientTaskId is not { } taskId)
            {
                LogUnreadable(log, row.Id, error?.Message ?? "no client task");
                return null;
            }
            return new ResponseExchange(rt, row.ApiKeyId, taskId, row.CreatedAt, request, row.Id, row.Request);
        }
        catch (JsonException e)
        {
            LogUnreadable(log, row.Id, e.Message);
            return null;
        }
    }

    private async Task FinishAsync(ResponseExchange exchange)
    {
        try
        {
            await exchange.FinishAsync();
        }
        catch (OperationCanceledException) when (rt.Stopping.IsCancellationRequested)
        {
            // Stopping again: the next start resumes it.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFailed(log, exchange.Id, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Finishing {Count} stored responses left in progress by an earlier run")]
    private static partial void LogResuming(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored response {Id} cannot be finished: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Finishing stored response {Id} failed")]
    private static partial void LogFailed(ILogger logger, string id, Exception error);
}
