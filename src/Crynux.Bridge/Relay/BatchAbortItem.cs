using System.Text.Json.Serialization;

namespace Crynux.Bridge.Relay;

/// <summary>One item's answer of a 2026 batch abort (docs/protocol.md §12.4.5).</summary>
public sealed class BatchAbortItem
{
    public const string Cancelled = "cancelled";
    public const string AlreadyCancelled = "already_cancelled";

    [JsonPropertyName("task_id_commitment")] public string TaskIdCommitment { get; set; } = "";
    [JsonPropertyName("outcome")] public string Outcome { get; set; } = "";
    [JsonPropertyName("error")] public string Error { get; set; } = "";
}
