namespace Crynux.Bridge.Configuration;

/// <summary>The operator's admin access: the key and spend routes, the task traces and the console.</summary>
public sealed class AdminOptions
{
    /// <summary>The token of the admin routes (?auth=, or Authorization: Bearer where the route takes it); empty denies every admin call.</summary>
    [ConfigurationKeyName("auth_token")]
    public string AuthToken { get; set; } = "";

    /// <summary>Traces kept: the newest this many client tasks are listed and traceable; 0 turns the trace routes off.</summary>
    [ConfigurationKeyName("task_trace_max_tasks")]
    public int TaskTraceMaxTasks { get; set; } = 100;
}
