namespace Crynux.Bridge.Configuration;

public sealed class RedisOptions
{
    /// <summary>StackExchange.Redis configuration string; empty keeps rate limits in memory (per instance).</summary>
    public string Connection { get; set; } = "";
}
