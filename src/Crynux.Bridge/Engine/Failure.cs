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

    public static string Prefix(RelayException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.RelayMessage.Contains("Insufficient relay account balance", StringComparison.Ordinal) ? InsufficientBalance + ": " : RelayRejected + ": ";
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
