namespace Crynux.Bridge.Data;

/// <summary>A fine-tune job's own state beside its client task (the rounds are the client task's Relay tasks).</summary>
public sealed class FineTuneJobRow
{
    public long ClientTaskId { get; set; }

    /// <summary>Rounds written so far, retries included: equal to the job's original Relay tasks.</summary>
    public int RoundsCreated { get; set; }

    /// <summary>The round whose downloaded checkpoint carries FINISH; null until then.</summary>
    public long? FinishedTaskId { get; set; }

    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}
