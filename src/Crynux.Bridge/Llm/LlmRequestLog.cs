using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Api;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Serilog;
using Serilog.Core;

namespace Crynux.Bridge.Llm;

/// <summary>
/// The optional LLM request log (<c>log.features.llm_api_request_log_enabled</c>, and the tool-call log with
/// <c>…_toolcall_enabled</c>): one entry per chat or completion request in files next to the main log, keys and long
/// texts redacted (<see cref="LlmLogRedaction"/>). Runs as an endpoint filter on the LLM routes; off, it costs nothing.
/// </summary>
public sealed class LlmRequestLog : IDisposable
{
    /// <summary>Set by task admission on the request, so that the entry can name the task's commitment.</summary>
    public const string ClientTaskItem = "crynux.client_task";

    public const string InfoFile = "crynux_bridge_llm_api_requests.info.log";
    public const string ErrorFile = "crynux_bridge_llm_api_requests.error.log";
    public const string ToolCallInfoFile = "crynux_bridge_llm_api_request_toolcalls.info.log";
    public const string ToolCallErrorFile = "crynux_bridge_llm_api_request_toolcalls.error.log";

    private readonly Logger? _info;
    private readonly Logger? _error;
    private readonly Logger? _toolInfo;
    private readonly Logger? _toolError;
    private readonly TimeProvider _time;

    public LlmRequestLog(BridgeOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        var log = options.Log;
        if (!log.Features.LlmApiRequestLogEnabled)
        {
            return;
        }
        Directory = DirectoryOf(log.Output);
        System.IO.Directory.CreateDirectory(Directory);
        _info = Open(log, InfoFile);
        _error = Open(log, ErrorFile);
        if (log.Features.LlmApiRequestLogToolcallEnabled)
        {
            _toolInfo = Open(log, ToolCallInfoFile);
            _toolError = Open(log, ToolCallErrorFile);
        }
    }

    public bool Enabled => _info is not null;

    /// <summary>Where the files go: next to log.output, or /app/data/logs when the main log is not a file.</summary>
    public string Directory { get; } = "";

    public static string DirectoryOf(string output) =>
        output is "" or "stdout" or "stderr" ? "/app/data/logs" : Path.GetDirectoryName(Path.GetFullPath(output)) ?? ".";

    /// <summary>The file keeps its name (rolled ones get _001, _002, …); files past max_file_num or max_days are deleted.</summary>
    private static Logger Open(LogOptions log, string name) => new LoggerConfiguration().MinimumLevel.Verbose()
        .WriteTo.File(Path.Combine(DirectoryOf(log.Output), name), outputTemplate: "{Message:l}{NewLine}{NewLine}", formatProvider: CultureInfo.InvariantCulture,
            fileSizeLimitBytes: Math.Max(1, log.MaxFileSize) * 1024L * 1024L, rollOnFileSizeLimit: true, rollingInterval: RollingInterval.Infinite,
            retainedFileCountLimit: Math.Max(1, log.MaxFileNum), retainedFileTimeLimit: TimeSpan.FromDays(Math.Max(1, log.MaxDays)))
        .CreateLogger();

    /// <summary>The endpoint filter of the chat and completion routes.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var log = http.RequestServices.GetRequiredService<LlmRequestLog>();
        if (!log.Enabled)
        {
            return await next(context);
        }
        http.Request.EnableBuffering();
        JsonNode? request = null;
        try
        {
            request = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            // Logged as it is refused: the handler reads the body again and answers 400.
        }
        http.Request.Body.Position = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await next(context);
            // A streamed answer went out in chunks as it came; the entry says so instead of repeating it.
            var response = result is Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult bytes ? Encoding.UTF8.GetString(bytes.FileContents.Span) : "\"(streamed)\"";
            await log.WriteAsync(http, request, clock.Elapsed, response, null);
            return result;
        }
        catch (ProblemException e)
        {
            var error = e.Problem.Status == 400 ? $"validation_error(field={e.Problem.Param}, message={e.Problem.Message})" : e.Problem.Message;
            await log.WriteAsync(http, request, clock.Elapsed, null, error);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await log.WriteAsync(http, request, clock.Elapsed, null, e.Message);
            throw;
        }
    }

    private async Task WriteAsync(HttpContext http, JsonNode? request, TimeSpan duration, string? response, string? error)
    {
        var chat = http.Request.Path.Value?.EndsWith("/chat/completions", StringComparison.Ordinal) == true;
        var header = http.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : header;
        var commitment = "";
        if (http.Items[ClientTaskItem] is ClientTaskRow task)
        {
            var members = await http.RequestServices.GetRequiredService<TaskStore>().GetMembersAsync(task.Id, CancellationToken.None);
            commitment = members.FirstOrDefault(m => m.IsOriginal)?.TaskIdCommitment ?? "";
        }
        var logged = new JsonObject { ["request"] = LlmLogRedaction.Request(request), ["path_vram_limit"] = http.Request.RouteValues["vram_limit"]?.ToString() ?? "" };
        var prefix = $"[{_time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture)}] [{(error is null ? "INFO" : "ERROR")}] ";
        var what = $"[{(chat ? "chat completions" : "completions")}] [API Key {LlmLogRedaction.Key(key)}] [Task ID Commitment: {commitment}] " +
                   $"duration_seconds={LlmLogRedaction.Seconds(duration)}, request={logged.ToJsonString()}";
        var outcome = error is null ? $", response={LlmLogRedaction.OneLine(response ?? "null")}" : $", error={LlmLogRedaction.OneLine(error)}";
        (error is null ? _info : _error)!.Information("{Entry}", prefix + "[LLM API Request] " + what + outcome);
        if (_toolInfo is not null && request?["tools"] is JsonArray { Count: > 0 })
        {
            var matched = response is not null && response.Contains("\"tool_calls\"", StringComparison.Ordinal);
            var toolPrefix = prefix.Replace("[INFO]", matched ? "[INFO]" : "[ERROR]", StringComparison.Ordinal);
            var toolOutcome = error is not null ? outcome : matched ? outcome : ", error=no tool call matched in llm response";
            (matched ? _toolInfo : _toolError)!.Information("{Entry}", toolPrefix + "[LLM API Request Tool Call] " + what + toolOutcome + $", tool_call_matched={(matched ? "true" : "false")}");
        }
    }

    public void Dispose()
    {
        _info?.Dispose();
        _error?.Dispose();
        _toolInfo?.Dispose();
        _toolError?.Dispose();
    }
}
