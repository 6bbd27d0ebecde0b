using System.Text.Json.Serialization;

namespace Crynux.Bridge.Relay;

public sealed class RelayEvent
{
    [JsonPropertyName("id")] public long Id { get; set; }
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("node_address")] public string NodeAddress { get; set; } = "";
    [JsonPropertyName("task_id_commitment")] public string TaskIdCommitment { get; set; } = "";
    [JsonPropertyName("args")] public string Args { get; set; } = "";
}
