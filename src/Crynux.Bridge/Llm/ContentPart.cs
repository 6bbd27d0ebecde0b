namespace Crynux.Bridge.Llm;

/// <summary>A gpt-task content block: Type "text" (Value is the text) or "image" (Value is the base64 data).</summary>
internal sealed record ContentPart(string Type, string Value);
