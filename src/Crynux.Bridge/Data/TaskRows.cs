namespace Crynux.Bridge.Data;

/// <summary>The bridge's view of one Relay task (values as the upstream bridge numbers them, so raw-API clients keep working).</summary>
public enum InferenceStatus
{
    Pending = 0,
    Created = 1,
    Started = 2,
    ParamsUploaded = 3,
    ScoreReady = 4,
    ErrorReported = 5,
    Validated = 6,
    EndAborted = 7,
    EndGroupRefund = 8,
    EndInvalidated = 9,
    EndSuccess = 10,
    ResultDownloaded = 11,
}

public enum TaskType
{
    StableDiffusion = 0,
    Llm = 1,
    StableDiffusionFinetune = 2,
}

public static class Stages
{
    /// <summary>How far a task has come; a status update never moves a task to a lower stage (events can arrive late).</summary>
    public static TaskStage Of(InferenceStatus status) => status switch
    {
        InferenceStatus.Pending => TaskStage.Pending,
        InferenceStatus.Created => TaskStage.Created,
        InferenceStatus.Started or InferenceStatus.ParamsUploaded => TaskStage.Running,
        InferenceStatus.ScoreReady or InferenceStatus.ErrorReported => TaskStage.Scored,
        InferenceStatus.Validated => TaskStage.Validated,
        InferenceStatus.EndSuccess => TaskStage.Succeeded,
        InferenceStatus.EndAborted or InferenceStatus.EndGroupRefund or InferenceStatus.EndInvalidated => TaskStage.Finished,
        _ => TaskStage.Downloaded,
    };

    /// <summary>Stage 6 and up: nothing more will happen to the task (a download that gave up is also put here).</summary>
    public const int Finished = (int)TaskStage.Finished;
}

public static class ClientTaskStatus
{
    public const string Running = "running";
    public const string Success = "success";
    public const string Failed = "failed";
}

public static class ClientTaskKind
{
    public const string Chat = "chat";
    public const string Completion = "completion";
    public const string Image = "image";
    public const string Raw = "raw";
    /// <summary>A LoRA fine-tune job (POST /v1/images/models): its Relay tasks are rounds, each continuing the last checkpoint.</summary>
    public const string FineTune = "finetune";
}

/// <summary>One client request: one or more Relay tasks (repeats and validation members) and one outcome.</summary>
public sealed class ClientTaskRow
{
    public long Id { get; set; }
    public string PublicId { get; set; } = "";
    public string ClientId { get; set; } = "";
    public long? ApiKeyId { get; set; }
    public string Kind { get; set; } = "";
    public string Status { get; set; } = ClientTaskStatus.Running;
    public string? Error { get; set; }
    public string? IdempotencyKey { get; set; }
    public int FailedCount { get; set; }
    public long? ResultTaskId { get; set; }
    public int QuotaReserved { get; set; }
    public int IsOpen { get; set; } = 1;
    public string? LeaseOwner { get; set; }
    public long LeaseExpiresAt { get; set; }
    public string? Meta { get; set; }
    /// <summary>What the task holds against its key's spend limit: its worst case while it runs, its charged fees once closed.</summary>
    public long SpendHeldGwei { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? FinishedAt { get; set; }
}

public sealed class InferenceTaskRow
{
    public long Id { get; set; }
    public long ClientTaskId { get; set; }
    public long? GroupId { get; set; }
    public int IsValidation { get; set; }
    public string TaskArgs { get; set; } = "";
    public int TaskType { get; set; }
    public string TaskModelIds { get; set; } = "";
    public string TaskVersion { get; set; } = "";
    public string TaskFee { get; set; } = "0";
    public long MinVram { get; set; }
    public string RequiredGpu { get; set; } = "";
    public long RequiredGpuVram { get; set; }
    public long TaskSize { get; set; } = 1;
    public long Timeout { get; set; }
    public int Status { get; set; }
    public int Stage { get; set; }
    public string TaskId { get; set; } = "";
    public string Nonce { get; set; } = "";
    public string TaskIdCommitment { get; set; } = "";
    public long Sequence { get; set; }
    public string SamplingSeed { get; set; } = "";
    public string VrfProof { get; set; } = "";
    public string VrfNumber { get; set; } = "";
    public int? NeedValidation { get; set; }
    public string SelectedNode { get; set; } = "";
    public int AbortReason { get; set; }
    public int TaskError { get; set; }
    public int ValidateSent { get; set; }
    public int CancelSent { get; set; }
    public int Attempts { get; set; }
    /// <summary>1 while a call about the task got no readable answer: the Relay must be asked before the next step.</summary>
    public int OutcomeUnknown { get; set; }
    /// <summary>The score the Relay holds ("" until known): sha256 of an LLM result, pHashes of SD images.</summary>
    public string Score { get; set; } = "";
    public string? LastError { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? RelayCreatedAt { get; set; }
    public long? DownloadedAt { get; set; }
    /// <summary>0 not charged, 1 charged by the Relay, 2 refunded, 3 from before spend accounting.</summary>
    public int FeeState { get; set; }

    public InferenceStatus State => (InferenceStatus)Status;

    public TaskType Type => (TaskType)TaskType;

    public bool IsFinished => Stage >= Stages.Finished;

    public bool IsOriginal => IsValidation == 0;

    public TaskStage StageValue => (TaskStage)Stage;

    public bool IsOutcomeUnknown => OutcomeUnknown == 1;

    /// <summary>The Relay has (or had) this task, but the bridge has not learned its sequence and sampling seed.</summary>
    public bool LacksCreateAnswer => Stage >= 1 && SamplingSeed.Length == 0;

    public AbortReason Abort => (AbortReason)AbortReason;

    public IReadOnlyList<string> ModelIds => TaskModelIds.Split(';', StringSplitOptions.RemoveEmptyEntries);
}
