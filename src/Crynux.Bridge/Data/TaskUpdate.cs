namespace Crynux.Bridge.Data;

/// <summary>Optional fields that come with a status change.</summary>
public sealed record TaskUpdate(string? SelectedNode = null, int? AbortReason = null, int? TaskError = null, string? LastError = null, bool ValidateSent = false,
    string? Score = null)
{
    public static TaskUpdate None { get; } = new();
}
