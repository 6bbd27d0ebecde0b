namespace Crynux.Bridge.Configuration;

/// <summary>The operator's admin access: task traces (<c>?auth=</c>) and the console.</summary>
public sealed class AdminOptions
{
    /// <summary>The admin token; empty denies every admin call (traces and console; the console still accepts a root signature).</summary>
    [ConfigurationKeyName("auth_token")]
    public string AuthToken { get; set; } = "";

    /// <summary>Traces kept: the newest this many client tasks are listed and traceable; 0 turns the trace routes off.</summary>
    [ConfigurationKeyName("task_trace_max_tasks")]
    public int TaskTraceMaxTasks { get; set; } = 100;
}
