namespace Crynux.Bridge.Configuration;

public sealed class HttpOptions
{
    public string Host { get; set; } = "0.0.0.0";
    public int Port { get; set; } = 5028;
    [ConfigurationKeyName("max_body_bytes")]
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;
}
