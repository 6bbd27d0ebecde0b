using System.Text.Json.Serialization;

namespace Crynux.Bridge.Relay;

public sealed class RelayNodeNumbers
{
    [JsonPropertyName("all_nodes")] public long AllNodes { get; set; }
    [JsonPropertyName("busy_nodes")] public long BusyNodes { get; set; }
    [JsonPropertyName("active_nodes")] public long ActiveNodes { get; set; }
}
