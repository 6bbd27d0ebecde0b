using Crynux.Bridge.Data;
using Crynux.Bridge.Engine.Workflow;

namespace Crynux.Bridge.Tests.Engine.Unit;

/// <summary>Rows in a given state, for the decision's unit tests.</summary>
internal static class Rows
{
    private static long _next;

    public static ClientTaskRow Client(string status = ClientTaskStatus.Running, int isOpen = 1) =>
        new() { Id = 1, Status = status, IsOpen = isOpen, Kind = ClientTaskKind.Chat };

    /// <summary>An original task at <paramref name="status"/>, created, its VRF saved (not drawn), unless told otherwise.</summary>
    public static InferenceTaskRow Task(InferenceStatus status, TaskType type = TaskType.Llm, int? needValidation = 0, string seed = "0x01", string score = "0xab",
        int validateSent = 0, int outcomeUnknown = 0, long? groupId = null, int isValidation = 0, int abortReason = 0, int cancelSent = 0)
    {
        var id = Interlocked.Increment(ref _next);
        return new InferenceTaskRow
        {
            Id = id,
            ClientTaskId = 1,
            Status = (int)status,
            Stage = (int)Stages.Of(status),
            TaskType = (int)type,
            NeedValidation = needValidation,
            SamplingSeed = status == InferenceStatus.Pending ? "" : seed,
            Score = score,
            ValidateSent = validateSent,
            OutcomeUnknown = outcomeUnknown,
            GroupId = groupId,
            IsValidation = isValidation,
            AbortReason = abortReason,
            CancelSent = cancelSent,
            TaskIdCommitment = $"0x{id:x64}",
        };
    }

    public static TaskSnapshot Snapshot(ClientTaskRow task, params InferenceTaskRow[] members) =>
        new(task, members, 1_000, new Dictionary<string, long>());

    public static TaskSnapshot Snapshot(params InferenceTaskRow[] members) => Snapshot(Client(), members);
}
