namespace Crynux.Bridge.Data;

/// <summary>How far a Relay task has come (the <c>stage</c> column): writes never move a task to a lower stage.</summary>
public enum TaskStage
{
    Pending = 0,
    Created = 1,
    Running = 2,
    Scored = 3,
    Validated = 4,
    Succeeded = 5,
    /// <summary>Nothing more will happen: ended at the Relay, or given up by the bridge.</summary>
    Finished = 6,
    Downloaded = 7,
}
