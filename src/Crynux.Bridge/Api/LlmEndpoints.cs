using System.Text;
using System.Text.Json;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Llm;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Api;

/// <summary>OpenAI-compatible chat and text completions over Crynux LLM tasks, with SSE streaming.</summary>
public static class LlmEndpoints
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static void Map(IEndpointRouteBuilder app)
    {
        // /v1/openrouter is where OpenRouter sends a provider's requests.
        foreach (var prefix in new[] { "/v1/llm", "/v1", "/v1/openrouter" })
        {
            app.MapPost(prefix + "/chat/completions", (HttpContext http, LlmRuntime rt) => CompleteAsync(http, rt, chat: true, null))
                .WithTags("LLM").AddEndpointFilter(NativeErrors.OpenAiFilter).AddEndpointFilter(LlmRequestLog.Filter).WithSummary("Chat completion (OpenAI chat.completions.create)")
                .Accepts<Schemas.ChatCompletionRequest>("application/json").Produces<Schemas.ChatCompletion>().WithOpenAiErrors();
            app.MapPost(prefix + "/completions", (HttpContext http, LlmRuntime rt) => CompleteAsync(http, rt, chat: false, null))
                .WithTags("LLM").AddEndpointFilter(NativeErrors.OpenAiFilter).AddEndpointFilter(LlmRequestLog.Filter).WithSummary("Text completion (OpenAI completions.create)")
                .Accepts<Schemas.CompletionRequest>("application/json").Produces<Schemas.Completion>().WithOpenAiErrors();
        }
        // The docs' base URL …/v1/llm/24: the path's VRAM (GB) is the task's min_vram. No :int constraint, so that a bad
        // value is a 400 naming vram_limit rather than a 404; the literal /v1/llm/chat/completions still wins.
        app.MapPost("/v1/llm/{vram_limit}/chat/completions", (HttpContext http, LlmRuntime rt, string vram_limit) => CompleteAsync(http, rt, chat: true, vram_limit))
            .WithTags("LLM").AddEndpointFilter(NativeErrors.OpenAiFilter).WithSummary("Chat completion on nodes with at least vram_limit GB")
            .Accepts<Schemas.ChatCompletionRequest>("application/json").Produces<Schemas.ChatCompletion>().WithOpenAiErrors();
        app.MapPost("/v1/llm/{vram_limit}/completions", (HttpContext http, LlmRuntime rt, string vram_limit) => CompleteAsync(http, rt, chat: false, vram_limit))
            .WithTags("LLM").AddEndpointFilter(NativeErrors.OpenAiFilter).WithSummary("Text completion on nodes with at least vram_limit GB")
            .Accepts<Schemas.CompletionRequest>("application/json").Produces<Schemas.Completion>().WithOpenAiErrors();
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, LlmRuntime rt, bool chat, string? vramPath)
    {
        var key = await rt.Auth.AuthenticateAsync(http, Roles.Chat);
        var body = await JsonBody.ReadObjectAsync(http.Request);
        var (request, error) = chat ? LlmRequestParser.ParseChat(body, rt.Llm) : LlmRequestParser.ParseCompletion(body, rt.Llm);
        if (error is not null)
        {
            throw new ProblemException(error);
        }
        // After authentication and the body, as upstream: a bad path VRAM is reported once the rest is known good.
        var minVram = rt.MinVram(request!, vramPath is null ? null : VramLimit.Parse(vramPath));
        var model = rt.CheckModel(request!.Model);
        if (request.IgnoredParameters.Count > 0)
        {
            http.Response.Headers["x-crynux-ignored-parameters"] = string.Join(',', request.IgnoredParameters);
        }
        var spec = new TaskSpec(TaskType.Llm, request.TaskArgs, [$"base:{model}"], minVram, "", 0, 1, rt.Options.Task.DefaultTaskVersion,
            Fees.CnxToWei(rt.Options.Task.DefaultLlmTaskFeeCnx));
        var meta = request.HasTools ? "tools" : null;
        var task = await rt.Runs.AdmitAsync(http, key, chat ? ClientTaskKind.Chat : ClientTaskKind.Completion, spec, meta,
            fee: FeeTerms.Read(http, body, operatorDefault: true));
        var id = (chat ? "chatcmpl-" : "cmpl-") + task.PublicId;
        if (!request.Stream)
        {
            var done = await rt.Runs.WaitForSuccessAsync(task, http.RequestAborted);
            var result = await ReadResultAsync(rt, done, request, !chat, http.RequestAborted);
            var bytes = chat ? OpenAiResponses.ChatCompletion(id, done.CreatedAt / 1000, result) : OpenAiResponses.TextCompletion(id, done.CreatedAt / 1000, result);
            return Results.Bytes(bytes, "application/json");
        }
        await StreamAsync(http, rt, task, id, request, chat);
        return Results.Empty;
    }

    /// <summary>
    /// The SSE response opens at once with the first chunk (the assistant role; an empty text for completions), then
    /// carries keep-alive comments from the shared ticker while the network works; then the chunks, the usage chunk when
    /// asked, and [DONE]. A failure after the headers went out is an in-band error frame before [DONE].
    /// </summary>
    private static async Task StreamAsync(HttpContext http, LlmRuntime rt, ClientTaskRow task, string id, LlmRequest request, bool chat)
    {
        var response = http.Response;
        EventStream.Open(response);
        var ct = http.RequestAborted;
        var created = task.CreatedAt / 1000;
        try
        {
            var first = chat
                ? OpenAiResponses.ChatRoleChunks(id, created, request.Model, request.N, request.IncludeUsage)
                : OpenAiResponses.CompletionOpeningChunks(id, created, request.Model, request.N, request.IncludeUsage);
            foreach (var chunk in first)
            {
                await WriteFrameAsync(response, Encoding.UTF8.GetBytes(chunk), ct);
            }
            ClientTaskRow done;
            await using (rt.KeepAlive.Subscribe(response.Body, ct))
            {
                done = await rt.Runs.Submitter.WaitAsync(task.Id, ct);
            }
            if (done.Status != ClientTaskStatus.Success)
            {
                await WriteFrameAsync(response, TaskRuns.FailureProblem(done.Error).OpenAiBody(), ct);
            }
            else
            {
                var result = await ReadResultAsync(rt, done, request, !chat, ct);
                var chunks = chat ? OpenAiResponses.ChatChunks(id, created, result, request.IncludeUsage, roleChunks: false)
                    : OpenAiResponses.CompletionChunks(id, created, result, request.IncludeUsage);
                foreach (var chunk in chunks)
                {
                    await WriteFrameAsync(response, Encoding.UTF8.GetBytes(chunk), ct);
                }
            }
            await response.Body.WriteAsync(Done, ct);
            await response.Body.FlushAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; its task runs on and stays retrievable.
        }
        catch (IOException)
        {
            // Same: the connection broke.
        }
        catch (Exception e)
        {
            // Anything else after the headers went out (the database on the re-read, an unreadable result): the status is
            // sent already, so the error goes in band, and the stream still ends with [DONE].
            await EndWithErrorAsync(http, e, ct);
        }
    }

    private static async Task EndWithErrorAsync(HttpContext http, Exception e, CancellationToken ct)
    {
        var problem = e switch
        {
            ProblemException p => p.Problem,
            System.Data.Common.DbException => new Problem(503, null, "The bridge could not use its database: " + e.Message, "server_error", "database_unavailable"),
            _ => new Problem(500, null, "The bridge failed while streaming this answer; it has been logged.", "server_error", "internal_error"),
        };
        if (problem.Status >= 500)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LlmEndpoints)).LogError(e, "stream failed after its headers");
        }
        try
        {
            await WriteFrameAsync(http.Response, problem.OpenAiBody(), ct);
            await http.Response.Body.WriteAsync(Done, ct);
            await http.Response.Body.FlushAsync(ct);
        }
        catch (Exception write) when (write is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone too.
        }
    }

    private static async Task WriteFrameAsync(HttpResponse response, byte[] json, CancellationToken ct)
    {
        await response.Body.WriteAsync("data: "u8.ToArray(), ct);
        await response.Body.WriteAsync(json, ct);
        await response.Body.WriteAsync("\n\n"u8.ToArray(), ct);
        await response.Body.FlushAsync(ct);
    }

    /// <summary>The node's answer, named with the model as the client asked for it (the Relay's id is lowercased).</summary>
    internal static async Task<LlmResult> ReadResultAsync(LlmRuntime rt, ClientTaskRow done, LlmRequest request, bool stripThinking, CancellationToken ct)
    {
        var (_, files) = await rt.Files.OfClientTaskAsync(rt.Runs.Submitter.Store, done, ct)
            ?? throw new InvalidOperationException($"client task {done.Id} succeeded without a result member");
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(files.Count > 0 ? files[0] : throw new FileNotFoundException("no result file"), ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not the client's connection (an IOException there ends a stream quietly): the stored result is gone or unreadable.
            throw new ProblemException(new Problem(502, null, "The task's result could not be read: " + e.Message, "server_error", "invalid_result"));
        }
        try
        {
            return LlmResultParser.Parse(bytes, request.HasTools, done.PublicId, stripThinking) with { Model = request.Model };
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new ProblemException(new Problem(502, null, "The node's result could not be read: " + e.Message, "server_error", "invalid_result"));
        }
    }
}
