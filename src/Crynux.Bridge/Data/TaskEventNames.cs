namespace Crynux.Bridge.Data;

/// <summary>The event names of task traces (the upstream bridge's, so that tools reading its traces read these).</summary>
public static class TaskEventNames
{
    public const string RelayTaskCreateSubmitted = "relay_task_create_submitted";
    public const string RelayTaskCreateRejected = "relay_task_create_rejected";
    public const string RelayTaskCreated = "relay_task_created";
    public const string RelayTaskCreatedObserved = "relay_task_created_observed";
    public const string TaskStarted = "task_started";
    public const string ParametersUploaded = "parameters_uploaded";
    public const string ScoreReady = "score_ready";
    public const string ErrorReported = "error_reported";
    public const string ValidationPassed = "validation_passed";
    public const string ValidationTasksCreated = "validation_tasks_created";
    public const string ValidationSubmitted = "validation_submitted";
    public const string TaskAborted = "task_aborted";
    public const string TaskGroupRefunded = "task_group_refunded";
    public const string TaskInvalidated = "task_invalidated";
    public const string TaskExecutionSucceeded = "task_execution_succeeded";
    public const string ResultDownloadStarted = "result_download_started";
    public const string ResultDownloaded = "result_downloaded";
}
