namespace Crynux.Bridge.Llm;

/// <summary>One generated sequence. Content is the text left after tool-call blocks were taken out ("" when none).</summary>
public sealed record LlmChoice(int Index, string Content, string FinishReason, IReadOnlyList<ToolCall> ToolCalls);
