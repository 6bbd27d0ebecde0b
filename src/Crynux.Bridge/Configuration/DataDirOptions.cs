namespace Crynux.Bridge.Configuration;

public sealed class DataDirOptions
{
    [ConfigurationKeyName("inference_tasks")]
    public string InferenceTasks { get; set; } = "data/inference_tasks";
    [ConfigurationKeyName("inference_tasks_retention_days")]
    public int InferenceTasksRetentionDays { get; set; } = 30;
}
