namespace Crynux.Bridge.Configuration;

public sealed class ApiOptions
{
    [ConfigurationKeyName("keep_alive_seconds")]
    public int KeepAliveSeconds { get; set; } = 15;
    [ConfigurationKeyName("api_key_lifetime_days")]
    public int ApiKeyLifetimeDays { get; set; } = 365;
    [ConfigurationKeyName("default_use_limit")]
    public long DefaultUseLimit { get; set; } = 20;
    [ConfigurationKeyName("default_rate_limit")]
    public long DefaultRateLimit { get; set; } = 60;
    /// <summary>Base of image URLs (response_format=url) and an origin the pages may call; empty means relative URLs.</summary>
    [ConfigurationKeyName("public_base_url")]
    public string PublicBaseUrl { get; set; } = "";
}
