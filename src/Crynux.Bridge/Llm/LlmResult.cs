namespace Crynux.Bridge.Llm;

/// <summary>A parsed gpt-task result (the node's result JSON).</summary>
public sealed record LlmResult(string Model, IReadOnlyList<LlmChoice> Choices, int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}
