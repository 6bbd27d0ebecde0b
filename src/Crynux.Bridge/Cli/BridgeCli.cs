using System.Data.Common;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Cli;

/// <summary>
/// The operators' command line in the bridge binary: <c>wallet</c>, <c>key</c>, <c>tasks</c> and <c>help</c>.
/// Exit codes: 0 done, 1 a call failed (bridge, Relay, database, or a task that failed or did not finish in time),
/// 2 wrong usage or configuration.
/// </summary>
public static class BridgeCli
{
    public const string DefaultBridge = "http://127.0.0.1:5028";

    private static readonly string[] Commands = ["wallet", "key", "tasks", "help"];

    public const string Help = """
        Crynux Bridge operator commands (the bridge itself runs without a command):

          wallet address                      the application wallet's address
          wallet balance                      its balance on the Relay (relay.base_url)
          key create <client_address> [--role chat --role image ...] [--use-limit N] [--rate-limit N]
                                              create (or rotate) the client's API key, then set roles and limits
          key role add <client_address> <role>
          key role remove <client_address> <role>
                                              roles: chat, image, admin
          key limits <client_address> [--use-limit N] [--rate-limit N]
                                              0 means unlimited; rate limit is per minute
          key delete <client_address>         delete the client's API key
          key expires <client_address> <RFC 3339 time | never>
          key spend-limit <client_address> <CNX | none>
          key models <client_address> <model,model,... | all>
                                              the key's expiry, CNX spend limit and model allow-list
          key list [--limit N] [--offset N]   every key with its roles, limits, usage and spend
          tasks list [--client ADDRESS] [--limit N]
                                              the newest client tasks (default 20)
          tasks show <id>                     one task and its Relay tasks (id or public id)
          tasks wait <id> [--timeout SECONDS] print status changes until the task ends (default 600 s)
          help                                this text

        key commands are signed here with the root key (the configured wallet) and sent to a running bridge at
        --bridge URL (default http://127.0.0.1:5028). wallet and tasks read the configuration like the server:
        --config path (or config/config.yml, /app/config/config.yml), CRYNUX_BRIDGE_SECTION__KEY variables and
        --section:key=value flags; tasks read the configured database directly.

        Exit codes: 0 done, 1 the call failed, 2 usage or configuration error.
        """;

    /// <summary>True when <paramref name="args"/> start with an operator command (the server runs otherwise).</summary>
    public static bool IsCommand(string[] args) => args is { Length: > 0 } && Commands.Contains(args[0]);

    /// <summary>Runs one command; results go to <paramref name="output"/>, errors to <paramref name="error"/> (or output).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter? error = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        error ??= output;
        try
        {
            var parsed = CliArgs.Parse(args);
            var command = parsed.Words.Count > 0 ? parsed.Words[0] : "help";
            var context = new CliContext(parsed, output);
            return command switch
            {
                "wallet" => await WalletCommands.RunAsync(context, ct),
                "key" => await KeyCommands.RunAsync(context, ct),
                "tasks" => await TaskCommands.RunAsync(context, ct),
                "help" => PrintHelp(output),
                _ => throw new UsageException($"unknown command '{command}'"),
            };
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"error: {e.Message}\nRun 'help' for the commands and their options.");
            return 2;
        }
        catch (ConfigException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return 2;
        }
        catch (CliFailure e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return 1;
        }
        catch (RelayException e)
        {
            await error.WriteLineAsync("error: the Relay call failed: " + e.Message);
            return 1;
        }
        catch (DbException e)
        {
            await error.WriteLineAsync("error: the database call failed: " + e.Message);
            return 1;
        }
    }

    private static int PrintHelp(TextWriter output)
    {
        output.WriteLine(Help);
        return 0;
    }
}
