namespace Crynux.Bridge.Data;

/// <summary>One recorded event of a Relay task (task_events).</summary>
public sealed class TaskEventRow
{
    public long Id { get; set; }
    public long ClientTaskId { get; set; }
    public string TaskIdCommitment { get; set; } = "";
    public string Name { get; set; } = "";
    public int TaskStatus { get; set; }
    public string? Details { get; set; }
    public long CreatedAt { get; set; }
}
