using Crynux.Bridge.Data;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Engine;

/// <summary>
/// Why a client task failed, as "code: text". The code decides the HTTP status the client sees; the text is for people.
/// </summary>
public static class Failure
{
    public const string InsufficientBalance = "insufficient_balance";
    public const string RelayRejected = "relay_rejected";
    public const string Timeout = "timeout";
    public const string NodeError = "task_error";
    public const string Invalid = "invalid_result";
    public const string Aborted = "aborted";
    /// <summary>A 2026 Relay's base-model check found no such model (on a node's disk or on the Hugging Face Hub).</summary>
    public const string ModelNotFound = "model_not_found";
    /// <summary>A 2026 Relay could not check the base model just now (its Hub lookup failed); the task was not created.</summary>
    public const string ModelCheckUnavailable = "model_check_unavailable";

    /// <summary>The Relay's texts for its base-model check (docs/protocol.md §12.5.3); the permanent one is a prefix.</summary>
    public const string InvalidBaseModel = "invalid base model";
    public const string BaseModelCheckUnavailable = "base model check temporarily unavailable";

    public static string Prefix(RelayException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.RelayMessage.StartsWith(InvalidBaseModel, StringComparison.Ordinal))
        {
            return ModelNotFound + ": ";
        }
        if (error.RelayMessage.StartsWith(BaseModelCheckUnavailable, StringComparison.Ordinal))
        {
            return ModelCheckUnavailable + ": ";
        }
        // (The single create says "Insufficient …", the batch create "insufficient …".)
        return error.RelayMessage.Contains("Insufficient relay account balance", StringComparison.OrdinalIgnoreCase) ? InsufficientBalance + ": " : RelayRejected + ": ";
    }

    public static string Code(string? error) => error is null ? "" : error.Split(':', 2)[0];

    public static string Describe(IReadOnlyList<InferenceTaskRow> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var first = members.FirstOrDefault(m => m.IsValidation == 0) ?? members[0];
        if (members.FirstOrDefault(m => m.LastError is { Length: > 0 } && m.State == InferenceStatus.EndAborted && m.Abort == AbortReason.None) is { } local)
        {
            return local.LastError!;
        }
        if (members.Any(m => m.State == InferenceStatus.EndInvalidated) || members.Any(m => m.Abort == AbortReason.IncorrectResult))
        {
            return Invalid + ": the nodes' results disagreed in validation";
        }
        return first.Abort switch
        {
            AbortReason.Timeout => Timeout + ": the Relay timed the task out (no node took it, or the node ran out of time)",
            AbortReason.GroupValidationTimeout => Timeout + ": the validation group timed out",
            AbortReason.ErrorReported => NodeError + ": the node reported an error running the task (often invalid task arguments)",
            AbortReason.CreatorValidationTimeout => Timeout + ": the task was not validated in time",
            AbortReason.ResultUploadTimeout => Timeout + ": the node did not upload its result in time",
            AbortReason.NodeSlashed => Aborted + ": the node was slashed",
            AbortReason.Cancelled => Aborted + ": the task was cancelled",
            _ => first.LastError ?? Aborted + ": the task ended without a result",
        };
    }
}
