namespace Crynux.Bridge.Llm;

/// <summary>A tool call in OpenAI's shape; Arguments is JSON text (an object).</summary>
public sealed record ToolCall(string Id, string Name, string Arguments);
