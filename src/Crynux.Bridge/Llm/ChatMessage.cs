namespace Crynux.Bridge.Llm;

/// <summary>A validated chat message. Content is Text, or Parts, or neither (an assistant message with tool calls).</summary>
internal sealed record ChatMessage(
    string Role, string? Text, IReadOnlyList<ContentPart>? Parts, string? ToolCallId, IReadOnlyList<HistoryToolCall> ToolCalls);
