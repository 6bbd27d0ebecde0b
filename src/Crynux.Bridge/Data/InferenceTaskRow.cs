namespace Crynux.Bridge.Data;

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
