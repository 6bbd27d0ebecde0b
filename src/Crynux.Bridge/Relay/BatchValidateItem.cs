using System.Text.Json.Serialization;

namespace Crynux.Bridge.Relay;

/// <summary>One validation unit's answer of a 2026 batch validate (docs/protocol.md §12.4.4).</summary>
public sealed class BatchValidateItem
{
    public const string Validated = "validated";
    public const string AlreadyApplied = "already_applied";
    public const string PermanentError = "permanent_error";
    public const string TemporaryError = "temporary_error";

    [JsonPropertyName("task_id_commitments")] public List<string> TaskIdCommitments { get; set; } = [];
    [JsonPropertyName("outcome")] public string Outcome { get; set; } = "";
    [JsonPropertyName("error")] public string Error { get; set; } = "";
}
