using Crynux.Bridge.Data;

namespace Crynux.Bridge.Engine.Workflow;

/// <summary>
/// What the decision looks at: a client task, its Relay tasks as stored, the time, and until when each Relay task is in
/// a retry's back-off (by commitment; absent means free to go), and for a fine-tune job its job row and the most rounds
/// it may create (task.sd_finetune_max_rounds).
/// </summary>
public sealed record TaskSnapshot(ClientTaskRow Task, IReadOnlyList<InferenceTaskRow> Members, long NowMs, IReadOnlyDictionary<string, long> RetryAt,
    FineTuneJobRow? Job = null, int FineTuneMaxRounds = FineTuneDecision.DefaultMaxRounds)
{
    public long? BackOffUntil(InferenceTaskRow member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return RetryAt.TryGetValue(member.TaskIdCommitment, out var at) && at > NowMs ? at : null;
    }
}
