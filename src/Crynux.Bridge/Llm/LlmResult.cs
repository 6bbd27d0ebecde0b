namespace Crynux.Bridge.Llm;

/// <summary>A parsed gpt-task result (the node's result JSON).</summary>
public sealed record LlmResult(string Model, IReadOnlyList<LlmChoice> Choices, int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>One generated sequence. Content is the text left after tool-call blocks were taken out ("" when none).</summary>
public sealed record LlmChoice(int Index, string Content, string FinishReason, IReadOnlyList<ToolCall> ToolCalls);

/// <summary>A tool call in OpenAI's shape; Arguments is JSON text (an object).</summary>
public sealed record ToolCall(string Id, string Name, string Arguments);
