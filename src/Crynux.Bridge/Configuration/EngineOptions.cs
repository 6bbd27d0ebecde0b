namespace Crynux.Bridge.Configuration;

public sealed class EngineOptions
{
    /// <summary>Names this instance in task leases; empty means the host name. Instances sharing a database need distinct ids.</summary>
    [ConfigurationKeyName("instance_id")]
    public string InstanceId { get; set; } = "";
    [ConfigurationKeyName("lease_seconds")]
    public int LeaseSeconds { get; set; } = 60;
    public int Workers { get; set; } = 16;
    /// <summary>Original tasks of one kind (models and GPU) this instance keeps queued at the Relay at once; the rest wait here.</summary>
    [ConfigurationKeyName("relay_queue_limit")]
    public int RelayQueueLimit { get; set; } = 256;
}
