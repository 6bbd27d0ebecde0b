namespace Crynux.Bridge.Llm;

/// <summary>What the endpoint needs to create the Crynux task and shape the answer.</summary>
/// <param name="Model">The model as requested, e.g. "Qwen/Qwen2.5-7B".</param>
/// <param name="TaskArgs">The gpt-task task_args JSON text to send to the Relay.</param>
/// <param name="N">Number of choices (num_return_sequences).</param>
/// <param name="Stream">Whether the client asked for SSE.</param>
/// <param name="IncludeUsage">stream_options.include_usage.</param>
/// <param name="HasTools">Tools were sent to the node, so tool calls are parsed from the result.</param>
/// <param name="MinVram">From the body's vram_limit if given, else LlmOptions.DefaultMinVram.</param>
/// <param name="IgnoredParameters">Accepted-but-ignored parameters present in the request, for a response header.</param>
/// <param name="VramLimit">The body's vram_limit, null when absent (then a route's or the catalog's value applies).</param>
public sealed record LlmRequest(
    string Model,
    string TaskArgs,
    int N,
    bool Stream,
    bool IncludeUsage,
    bool HasTools,
    ulong MinVram,
    IReadOnlyList<string> IgnoredParameters,
    ulong? VramLimit = null);
