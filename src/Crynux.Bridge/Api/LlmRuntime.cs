using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Llm;
using Crynux.Bridge.Models;

namespace Crynux.Bridge.Api;

/// <summary>What the LLM routes need, resolved once.</summary>
public sealed class LlmRuntime(ClientAuth auth, TaskRuns runs, BridgeOptions options, ResultFiles files, TimeProvider time, ModelPolicy policy, ModelCatalog catalog)
{
    public ClientAuth Auth { get; } = auth;
    public TaskRuns Runs { get; } = runs;
    public BridgeOptions Options { get; } = options;
    public ResultFiles Files { get; } = files;
    public TimeProvider Time { get; } = time;

    public LlmOptions Llm { get; } = new() { DefaultMaxTokens = options.Task.DefaultLlmMaxCompletionTokens };

    /// <summary>Keep-alive comments for every waiting LLM stream, chat and responses alike.</summary>
    internal KeepAliveTicker KeepAlive { get; } = new(time, TimeSpan.FromSeconds(options.Api.KeepAliveSeconds));

    /// <summary>
    /// The model id as it goes to the network (verbatim: any model passes through, the Relay decides what exists), or a
    /// 404 model_not_found when models.allow / models.deny withhold it.
    /// </summary>
    public string CheckModel(string name) => policy.Allows(name) ? name : throw new ProblemException(ModelProblems.NotOffered(name));

    /// <summary>The task's min_vram: the path's vram_limit, else the body's, else the catalog's for the model, else 24.</summary>
    public long MinVram(LlmRequest request, long? pathVram)
    {
        ArgumentNullException.ThrowIfNull(request);
        return pathVram ?? (long?)request.VramLimit ?? catalog.MinVram(request.Model, "llm") ?? ModelCatalog.DefaultLlmMinVram;
    }
}
