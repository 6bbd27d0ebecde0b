using System.Reflection;
using System.Text;
using Crynux.Bridge.Cli;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Ops;

internal static class Repository
{
    /// <summary>The repository root, recorded at build time (the tests may run from an artifacts folder elsewhere).</summary>
    public static string Root { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));
}

/// <summary>A writer the CLI writes to while a test reads it (tasks wait runs beside the test).</summary>
internal sealed class CapturedOutput : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_text)
        {
            _text.Append(value).Append('\n');
        }
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}

/// <summary>Runs the CLI in-process against a <see cref="TestBridge"/>, with a config.yml that names its database, Relay and wallet.</summary>
internal sealed class CliRunner
{
    private readonly TestBridge _bridge;

    public CliRunner(TestBridge bridge)
    {
        _bridge = bridge;
        var keyFile = Path.Combine(bridge.DataDir, "privkey.txt");
        File.WriteAllText(keyFile, bridge.Wallet.ExportHex() + "\n");
        ConfigFile = Path.Combine(bridge.DataDir, "cli-config.yml");
        File.WriteAllText(ConfigFile, $"""
            db:
              driver: {bridge.Options.Db.Driver}
              connection: "{bridge.Options.Db.Connection}"
            data_dir:
              inference_tasks: "{bridge.Options.DataDir.InferenceTasks}"
            relay:
              base_url: "{bridge.Options.Relay.BaseUrl}"
              timeout_seconds: 10
            blockchain:
              account:
                address: "{bridge.Wallet.Address}"
                private_key_file: "{keyFile}"
            """);
    }

    public string ConfigFile { get; }

    /// <summary>Runs one command with --config and --bridge added; returns its exit code and everything it printed.</summary>
    public async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var output = new CapturedOutput();
        var code = await RunAsync(output, args);
        return (code, output.ToString());
    }

    public Task<int> RunAsync(CapturedOutput output, params string[] args) =>
        BridgeCli.RunAsync([.. args, "--config", ConfigFile, .. BridgeOption(args)], output, output, TestContext.Current.CancellationToken);

    private string[] BridgeOption(string[] args) =>
        args.Length > 0 && args[0] == "key" && !args.Contains("--bridge") ? ["--bridge", _bridge.BaseUrl.ToString()] : [];
}
