using System.Text.Json.Serialization;

namespace Crynux.Bridge.Relay;

/// <summary>The Relay's task, as GET and create return it (docs/protocol.md §3.2).</summary>
public sealed class RelayTask
{
    [JsonPropertyName("sequence")] public long Sequence { get; set; }
    [JsonPropertyName("task_args")] public string TaskArgs { get; set; } = "";
    [JsonPropertyName("task_id_commitment")] public string TaskIdCommitment { get; set; } = "";
    [JsonPropertyName("creator")] public string Creator { get; set; } = "";
    [JsonPropertyName("sampling_seed")] public string SamplingSeed { get; set; } = "";
    [JsonPropertyName("nonce")] public string Nonce { get; set; } = "";
    [JsonPropertyName("status")] public int Status { get; set; }
    [JsonPropertyName("task_type")] public int TaskType { get; set; }
    [JsonPropertyName("task_version")] public string TaskVersion { get; set; } = "";
    [JsonPropertyName("timeout")] public long Timeout { get; set; }
    [JsonPropertyName("min_vram")] public long MinVram { get; set; }
    [JsonPropertyName("required_gpu")] public string RequiredGpu { get; set; } = "";
    [JsonPropertyName("required_gpu_vram")] public long RequiredGpuVram { get; set; }
    [JsonPropertyName("task_fee")] public string TaskFee { get; set; } = "0";
    [JsonPropertyName("task_size")] public long TaskSize { get; set; }
    [JsonPropertyName("model_ids")] public List<string> ModelIds { get; set; } = [];
    [JsonPropertyName("abort_reason")] public int AbortReason { get; set; }
    [JsonPropertyName("task_error")] public int TaskError { get; set; }
    [JsonPropertyName("score")] public string Score { get; set; } = "";
    [JsonPropertyName("qos_score")] public long QosScore { get; set; }
    [JsonPropertyName("selected_node")] public string SelectedNode { get; set; } = "";

    /// <summary>A batch create's already_exists: an earlier create of this commitment was stored (not a Relay field).</summary>
    [JsonIgnore] public bool AlreadyStored { get; init; }
}

/// <summary>The Relay's task statuses (docs/protocol.md §4.1).</summary>
public enum RelayTaskStatus
{
    Queued = 0,
    Started = 1,
    ParametersUploaded = 2,
    ErrorReported = 3,
    ScoreReady = 4,
    Validated = 5,
    GroupValidated = 6,
    EndInvalidated = 7,
    EndSuccess = 8,
    EndAborted = 9,
    EndGroupRefund = 10,
    EndGroupSuccess = 11,
}

public sealed class RelayNode
{
    [JsonPropertyName("address")] public string Address { get; set; } = "";
    [JsonPropertyName("status")] public int Status { get; set; }
    [JsonPropertyName("gpu_name")] public string GpuName { get; set; } = "";
    [JsonPropertyName("gpu_vram")] public long GpuVram { get; set; }
    [JsonPropertyName("qos_score")] public long QosScore { get; set; }
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    [JsonPropertyName("model_ids")] public List<string> ModelIds { get; set; } = [];
}

public sealed class RelayNodeNumbers
{
    [JsonPropertyName("all_nodes")] public long AllNodes { get; set; }
    [JsonPropertyName("busy_nodes")] public long BusyNodes { get; set; }
    [JsonPropertyName("active_nodes")] public long ActiveNodes { get; set; }
}

public sealed class RelayEvent
{
    [JsonPropertyName("id")] public long Id { get; set; }
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("node_address")] public string NodeAddress { get; set; } = "";
    [JsonPropertyName("task_id_commitment")] public string TaskIdCommitment { get; set; } = "";
    [JsonPropertyName("args")] public string Args { get; set; } = "";
}

/// <summary>What create sends (docs/protocol.md §3.1); every field is signed.</summary>
public sealed record CreateTaskRequest(
    string TaskIdCommitment, string TaskArgs, int TaskType, string Nonce, IReadOnlyList<string> TaskModelIds, long MinVram,
    string RequiredGpu, long RequiredGpuVram, string TaskVersion, long TaskSize, string TaskFeeWei, long Timeout)
{
    /// <summary>A fine-tune round's input checkpoint: the create is then multipart with this file as its <c>checkpoint</c> part.</summary>
    public string? CheckpointPath { get; init; }
}

public enum RelayErrorKind
{
    /// <summary>400: the Relay refused the request; sending it again will not help.</summary>
    Rejected,
    /// <summary>400 "Task not found".</summary>
    NotFound,
    /// <summary>500 with a message: the Relay's own checks (validate's "illegal task state" and the like).</summary>
    ServerError,
    /// <summary>Network failure, timeout, 502/503/504, 429, or an unreadable answer: worth trying again later.</summary>
    Transient,
}

public sealed class RelayException : Exception
{
    public RelayException(RelayErrorKind kind, int statusCode, string? field, string relayMessage, Exception? inner = null)
        : base(Describe(statusCode, field, relayMessage), inner)
    {
        Kind = kind;
        StatusCode = statusCode;
        Field = field;
        RelayMessage = relayMessage;
    }

    public RelayException() : this(RelayErrorKind.Transient, 0, null, "relay error") { }

    public RelayException(string message) : this(RelayErrorKind.Transient, 0, null, message) { }

    public RelayException(string message, Exception inner) : this(RelayErrorKind.Transient, 0, null, message, inner) { }

    public RelayErrorKind Kind { get; }

    public int StatusCode { get; }

    public string? Field { get; }

    public string RelayMessage { get; }

    /// <summary>The web framework's own plain-text 404 (not a JSON envelope): this Relay does not have the route.</summary>
    public bool RouteMissing => StatusCode == 404 && RelayMessage.Trim() == "404 page not found";

    private static string Describe(int status, string? field, string message) =>
        status == 0 ? $"relay unreachable: {message}" : field is { Length: > 0 } ? $"relay {status}: {field}: {message}" : $"relay {status}: {message}";
}
