namespace Crynux.Bridge.Data;

/// <summary>
/// A client task to admit with its Relay tasks; <paramref name="ReserveKeyId"/> is the API key to spend one use of (and
/// the task's <see cref="ClientTaskRow.SpendHeldGwei"/> of its spend limit).
/// </summary>
public sealed record NewClientTask(ClientTaskRow Task, IReadOnlyList<InferenceTaskRow> Members, long? ReserveKeyId);
