using System.Text.Json.Serialization;

namespace Crynux.Bridge.Relay;

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
