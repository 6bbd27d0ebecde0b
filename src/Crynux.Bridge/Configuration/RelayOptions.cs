namespace Crynux.Bridge.Configuration;

public sealed class RelayOptions
{
    /// <summary>Use a 2026 Relay's batch routes (create, status, validate, abort) where it serves them; false keeps every
    /// call on the single routes.</summary>
    [ConfigurationKeyName("batch_routes")]
    public bool BatchRoutes { get; set; } = true;
    [ConfigurationKeyName("base_url")]
    public string BaseUrl { get; set; } = "https://relay.crynux.io";
    [ConfigurationKeyName("timeout_seconds")]
    public int TimeoutSeconds { get; set; } = 30;
    [ConfigurationKeyName("events_poll_interval_ms")]
    public int EventsPollIntervalMs { get; set; } = 200;
    /// <summary>The poll period for a second after the bridge acted (created, validated): the next state change is expected soon.</summary>
    [ConfigurationKeyName("events_fast_poll_interval_ms")]
    public int EventsFastPollIntervalMs { get; set; } = 20;
    [ConfigurationKeyName("reconcile_interval_seconds")]
    public int ReconcileIntervalSeconds { get; set; } = 60;
    [ConfigurationKeyName("max_attempts")]
    public int MaxAttempts { get; set; } = 3;
    /// <summary>The most bytes one task's whole result may take, downloaded and unpacked: a bound against ZIP bombs.</summary>
    [ConfigurationKeyName("max_result_bytes")]
    public long MaxResultBytes { get; set; } = 256L * 1024 * 1024;
}
