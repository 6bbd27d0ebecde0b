using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Crynux.Bridge.Relay;

/// <summary>
/// One task's state from a 2026 batch status (docs/protocol.md §12.4.3). <see cref="Found"/> false means absent or
/// another creator's. The execution GPU is the node's as it was when the task started, and never changes.
/// </summary>
public sealed class BatchStatusItem
{
    [JsonPropertyName("task_id_commitment")] public string TaskIdCommitment { get; set; } = "";
    [JsonPropertyName("found")] public bool Found { get; set; }
    [JsonPropertyName("status")] public int Status { get; set; }
    [JsonPropertyName("abort_reason")] public int AbortReason { get; set; }
    [JsonPropertyName("task_error")] public int TaskError { get; set; }
    [JsonPropertyName("sequence")] public long Sequence { get; set; }
    [JsonPropertyName("sampling_seed")] public string SamplingSeed { get; set; } = "";
    [JsonPropertyName("execution_gpu")] public string ExecutionGpu { get; set; } = "";
    [JsonPropertyName("execution_gpu_vram")] public long ExecutionGpuVram { get; set; }
    /// <summary>RFC 3339, up to nanoseconds (Go); see <see cref="EstimatedCompletion"/>.</summary>
    [JsonPropertyName("estimated_completion_time")] public string? EstimatedCompletionTime { get; set; }
    [JsonPropertyName("result_available")] public bool ResultAvailable { get; set; }

    /// <summary>When the Relay expects the task to finish (start + its predicted seconds), or null when it gave none or an unreadable one.</summary>
    public DateTimeOffset? EstimatedCompletion()
    {
        if (string.IsNullOrEmpty(EstimatedCompletionTime))
        {
            return null;
        }
        // .NET reads at most 7 fraction digits; Go writes up to 9.
        var text = Regex.Replace(EstimatedCompletionTime, @"(\.\d{7})\d+", "$1");
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }
}
