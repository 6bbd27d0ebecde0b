namespace Crynux.Bridge.Llm;

/// <summary>An earlier assistant tool call. Arguments is JSON text of an object, sent as an object unless AsString.</summary>
internal sealed record HistoryToolCall(string Id, string Name, string Arguments, bool AsString);
