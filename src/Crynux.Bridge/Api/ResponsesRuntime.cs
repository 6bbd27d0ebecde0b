using Crynux.Bridge.Data;

namespace Crynux.Bridge.Api;

/// <summary>What the Responses routes need: the LLM routes' runtime, the response store and the host's stopping signal.</summary>
internal sealed class ResponsesRuntime(LlmRuntime llm, Database db, TimeProvider time, IHostApplicationLifetime lifetime)
{
    public LlmRuntime Llm { get; } = llm;

    public ResponseStore Store { get; } = new(db, time);

    public TimeProvider Time { get; } = time;

    /// <summary>Waits that must outlive the client's connection (the answer is stored either way) end with the host.</summary>
    public CancellationToken Stopping { get; } = lifetime.ApplicationStopping;

    /// <summary>Unix milliseconds until which a stored response is kept (0: for ever), like the task results.</summary>
    public long ExpiresAt(long createdAtMs) => Llm.Options.DataDir.InferenceTasksRetentionDays is > 0 and var days
        ? createdAtMs + (long)TimeSpan.FromDays(days).TotalMilliseconds : 0;
}
