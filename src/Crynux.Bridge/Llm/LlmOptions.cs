namespace Crynux.Bridge.Llm;

/// <summary>Limits and defaults for the LLM routes.</summary>
public sealed class LlmOptions
{
    /// <summary>max_new_tokens when the request gives neither max_tokens nor max_completion_tokens.</summary>
    public int DefaultMaxTokens { get; set; } = 3000;

    /// <summary>Larger max_tokens / max_completion_tokens values are rejected with 400.</summary>
    public int MaxTokensLimit { get; set; } = 32768;

    /// <summary>The largest accepted n (num_return_sequences).</summary>
    public int MaxN { get; set; } = 8;

    /// <summary>min_vram (GB) of the Crynux task when the body has no vram_limit.</summary>
    public ulong DefaultMinVram { get; set; } = 24;
}
