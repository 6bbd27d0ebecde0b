using System.Text.Json;
using Crynux.Bridge.Api;

namespace Crynux.Bridge.Llm;

/// <summary>
/// Validates an OpenAI chat or completion request body and turns it into gpt-task task_args. Never throws for bad input:
/// every problem is a 400 Problem naming the parameter. Unknown fields are ignored, as OpenAI-compatible servers do.
/// </summary>
public static partial class LlmRequestParser
{
    // Accepted so that OpenAI clients keep working, but gpt-task has nothing to map them to; the endpoint reports them.
    private static readonly string[] ChatIgnored =
    [
        "frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs", "response_format", "user",
        "top_a", "metadata", "modalities", "audio", "prediction", "reasoning_effort", "service_tier", "store",
        "parallel_tool_calls", "web_search_options",
    ];

    private static readonly string[] CompletionIgnored =
        ["frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "user", "top_a", "best_of", "echo", "suffix"];

    private const long MaxSafeInteger = 1L << 53;

    private sealed record Common(GenerationSettings Generation, long Seed, bool Stream, bool IncludeUsage, ulong MinVram,
        IReadOnlyList<string> Ignored, ulong? Vram);

    public static (LlmRequest? Request, Problem? Error) ParseChat(JsonElement body, LlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // || (not ??) so that every out variable is definitely assigned when no check failed.
        Problem? error;
        if ((error = ParseModel(body, out var model)) is not null
            || (error = ParseMessages(body, model, out var messages)) is not null
            || (error = ParseCommon(body, options, ChatIgnored, out var common)) is not null
            || (error = ParseTools(body, out var tools)) is not null)
        {
            return (null, error);
        }
        var args = GptTaskArgs.Write(model, messages, tools, common.Generation, common.Seed);
        return (Build(model, args, common, tools is not null), null);
    }

    public static (LlmRequest? Request, Problem? Error) ParseCompletion(JsonElement body, LlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Problem? error;
        if ((error = ParseModel(body, out var model)) is not null
            || (error = ParsePrompt(body, out var prompt)) is not null
            || (error = ParseCommon(body, options, CompletionIgnored, out var common)) is not null)
        {
            return (null, error);
        }
        ChatMessage[] messages = [new("user", prompt, null, null, [])];
        var args = GptTaskArgs.Write(model, messages, null, common.Generation, common.Seed);
        return (Build(model, args, common, false), null);
    }

    private static LlmRequest Build(string model, string args, Common c, bool hasTools) =>
        new(model, args, c.Generation.N, c.Stream, c.IncludeUsage, hasTools, c.MinVram, c.Ignored, c.Vram);

    private static Problem? ParseModel(JsonElement body, out string model)
    {
        model = "";
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Problem.BadRequest(null, "the request body must be a JSON object");
        }
        if (!JsonChecks.Has(body, "model", out var e))
        {
            return Problem.BadRequest("model", "model is required");
        }
        if (string.IsNullOrWhiteSpace(JsonChecks.AsString(e)))
        {
            return Problem.BadRequest("model", "model must be a non-empty string");
        }
        if (Models.ModelId.Check(e.GetString()!) is { } shape)
        {
            return Problem.BadRequest("model", shape);
        }
        model = e.GetString()!;
        return null;
    }

    private static Problem? ParsePrompt(JsonElement body, out string prompt)
    {
        prompt = "";
        if (!JsonChecks.Has(body, "prompt", out var e))
        {
            return Problem.BadRequest("prompt", "prompt is required");
        }
        if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 1)
        {
            return Problem.BadRequest("prompt", "only one prompt is supported");
        }
        if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 1 && e[0].ValueKind == JsonValueKind.String)
        {
            e = e[0];
        }
        if (JsonChecks.AsString(e) is not { } text)
        {
            return Problem.BadRequest("prompt", "prompt must be a string or an array of one string");
        }
        prompt = text;
        return null;
    }

    private static Problem? ParseCommon(JsonElement body, LlmOptions options, string[] ignoredNames, out Common common)
    {
        common = null!;
        var limit = options.MaxTokensLimit;
        Problem? error;
        if ((error = JsonChecks.Number(body, "temperature", 0, 2, out var temperature)) is not null
            || (error = JsonChecks.Number(body, "top_p", 0, 1, out var topP)) is not null
            || (error = JsonChecks.Integer(body, "top_k", 1, int.MaxValue, out var topK)) is not null
            || (error = JsonChecks.Number(body, "min_p", 0, 1, out var minP)) is not null
            || (error = JsonChecks.Number(body, "repetition_penalty", 0, 2, out var repetitionPenalty, minExclusive: true)) is not null
            || (error = JsonChecks.Integer(body, "seed", -MaxSafeInteger, MaxSafeInteger, out var seed)) is not null
            || (error = JsonChecks.Integer(body, "n", 1, options.MaxN, out var n)) is not null
            || (error = JsonChecks.Integer(body, "max_tokens", 1, limit, out var maxTokens)) is not null
            || (error = JsonChecks.Integer(body, "max_completion_tokens", 1, limit, out var maxCompletionTokens)) is not null
            || (error = ParseStop(body, out var stop)) is not null
            || (error = ParseStream(body, out var stream, out var includeUsage)) is not null
            || (error = JsonChecks.Integer(body, "vram_limit", 0, 1024, out var vram)) is not null
            || (error = CheckIgnored(body)) is not null)
        {
            return error;
        }
        var count = (int)(n ?? 1);
        bool? doSample = null;
        if (temperature is > 0)
        {
            doSample = true;
        }
        else if (temperature is 0)
        {
            if (count > 1)
            {
                return Problem.BadRequest("n", "n greater than 1 needs sampling, so temperature must be above 0");
            }
            doSample = false;
        }
        else if (count > 1)
        {
            // Greedy decoding (the node's default) cannot return several sequences.
            doSample = true;
        }
        // max_completion_tokens wins: OpenAI deprecated max_tokens in its favour.
        var maxNew = (int)(maxCompletionTokens ?? maxTokens ?? options.DefaultMaxTokens);
        var generation = new GenerationSettings(maxNew, stop, doSample, doSample == true ? temperature : null, (int?)topK, topP,
            minP, repetitionPenalty, count);
        var ignored = ignoredNames.Where(name => JsonChecks.Has(body, name, out _)).ToArray();
        common = new Common(generation, seed ?? 0, stream, includeUsage, vram is { } v ? (ulong)v : options.DefaultMinVram, ignored,
            vram is { } given ? (ulong)given : null);
        return null;
    }

    private static Problem? ParseStop(JsonElement body, out IReadOnlyList<string> stop)
    {
        stop = [];
        if (!JsonChecks.Has(body, "stop", out var e))
        {
            return null;
        }
        if (e.ValueKind == JsonValueKind.String)
        {
            if (JsonChecks.AsString(e) is not { Length: > 0 } single)
            {
                return Problem.BadRequest("stop", "stop must be a non-empty string");
            }
            stop = [single];
            return null;
        }
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() > 4)
        {
            return Problem.BadRequest("stop", "stop must be a string or an array of at most 4 strings");
        }
        var list = new List<string>();
        foreach (var item in e.EnumerateArray())
        {
            if (JsonChecks.AsString(item) is not { Length: > 0 } text)
            {
                return Problem.BadRequest($"stop[{list.Count}]", $"stop[{list.Count}] must be a non-empty string");
            }
            list.Add(text);
        }
        stop = list;
        return null;
    }

    private static Problem? ParseStream(JsonElement body, out bool stream, out bool includeUsage)
    {
        includeUsage = false;
        stream = false;
        if (JsonChecks.Bool(body, "stream", out var s) is { } error)
        {
            return error;
        }
        stream = s ?? false;
        if (!JsonChecks.Has(body, "stream_options", out var options))
        {
            return null;
        }
        if (options.ValueKind != JsonValueKind.Object)
        {
            return Problem.BadRequest("stream_options", "stream_options must be an object");
        }
        if (!stream)
        {
            // OpenAI answers the same: the options only make sense for a stream.
            return Problem.BadRequest("stream_options", "stream_options is only allowed when stream is true");
        }
        var usageError = JsonChecks.Bool(options, "include_usage", out var usage, "stream_options.include_usage");
        includeUsage = usage ?? false;
        return usageError;
    }

    /// <summary>Ignored parameters are still type-checked, so that a client's mistake is reported rather than hidden.</summary>
    private static Problem? CheckIgnored(JsonElement body)
    {
        if ((JsonChecks.Number(body, "frequency_penalty", -2, 2, out _) ?? JsonChecks.Number(body, "presence_penalty", -2, 2, out _))
            is { } error)
        {
            return error;
        }
        foreach (var (name, kind, what) in IgnoredKinds)
        {
            if (JsonChecks.Has(body, name, out var e) && (e.ValueKind != kind || JsonChecks.Readable(e, name) is not null))
            {
                return Problem.BadRequest(name, $"{name} must be {what}" + (e.ValueKind == kind ? " of valid Unicode text and numbers" : ""));
            }
        }
        return null;
    }

    private static readonly (string Name, JsonValueKind Kind, string What)[] IgnoredKinds =
    [
        ("logit_bias", JsonValueKind.Object, "an object"),
        ("response_format", JsonValueKind.Object, "an object"),
        ("user", JsonValueKind.String, "a string"),
        ("metadata", JsonValueKind.Object, "an object"),
    ];
}
