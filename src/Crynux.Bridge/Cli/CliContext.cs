using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Cli;

/// <summary>What a command needs: its arguments, the output, and the configuration loaded on first use.</summary>
internal sealed class CliContext(CliArgs args, TextWriter output)
{
    private BridgeOptions? _options;

    public CliArgs Args { get; } = args;

    public TextWriter Output { get; } = output;

    /// <summary>config.yml, environment and flags, exactly as the server layers and validates them.</summary>
    public BridgeOptions Options
    {
        get
        {
            if (_options is null)
            {
                var builder = new ConfigurationBuilder();
                ConfigLoader.AddSources(builder, ConfigLoader.FindConfigFile(Args.Value("--config")), [.. Args.ConfigFlags]);
                _options = ConfigLoader.Bind(builder.Build());
            }
            return _options;
        }
    }
}
