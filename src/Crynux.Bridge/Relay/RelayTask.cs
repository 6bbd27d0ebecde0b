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
