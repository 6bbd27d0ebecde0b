namespace Crynux.Bridge.Configuration;

/// <summary>The bridge's configuration: the product's config.yml keys (snake_case), bound from YAML, environment and flags.</summary>
public sealed class BridgeOptions
{
    public string Environment { get; set; } = "release";
    public DbOptions Db { get; set; } = new();
    public LogOptions Log { get; set; } = new();
    public HttpOptions Http { get; set; } = new();
    [ConfigurationKeyName("data_dir")]
    public DataDirOptions DataDir { get; set; } = new();
    public BlockchainOptions Blockchain { get; set; } = new();
    public RelayOptions Relay { get; set; } = new();
    public TaskOptions Task { get; set; } = new();
    public ApiOptions Api { get; set; } = new();
    public RedisOptions Redis { get; set; } = new();
    public EngineOptions Engine { get; set; } = new();
    public OpenRouterOptions OpenRouter { get; set; } = new();
    public ModelsOptions Models { get; set; } = new();
    public OtelOptions Otel { get; set; } = new();
    public AdminOptions Admin { get; set; } = new();
}
