using System.Text.Json.Serialization;

namespace Crynux.Bridge.Relay;

/// <summary>One item's answer of a 2026 batch create (docs/protocol.md §12.4.2); read <see cref="Outcome"/> first.</summary>
public sealed class BatchCreateItem
{
    public const string Created = "created";
    public const string AlreadyExists = "already_exists";
    public const string CommitmentConflict = "commitment_conflict";
    public const string PermanentError = "permanent_error";
    public const string TemporaryError = "temporary_error";

    [JsonPropertyName("task_id_commitment")] public string TaskIdCommitment { get; set; } = "";
    [JsonPropertyName("outcome")] public string Outcome { get; set; } = "";
    [JsonPropertyName("sequence")] public long Sequence { get; set; }
    [JsonPropertyName("sampling_seed")] public string SamplingSeed { get; set; } = "";
    [JsonPropertyName("status")] public int Status { get; set; }
    [JsonPropertyName("error")] public string Error { get; set; } = "";
}
