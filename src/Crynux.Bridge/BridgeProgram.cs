using System.Numerics;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Pricing;
using Crynux.Bridge.Relay;
using Crynux.Crypto;
using Crynux.Devnet;

namespace Crynux.Bridge;

/// <summary>The command line: run the bridge (optionally on an in-process devnet).</summary>
public static class BridgeProgram
{
    public const string DevnetClientId = "0x00000000000000000000000000000000000De7e7";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (Cli.BridgeCli.IsCommand(args))
        {
            return await Cli.BridgeCli.RunAsync(args, Console.Out, Console.Error);
        }
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine("""
                Crynux Bridge
                  dotnet run --project src/Crynux.Bridge -- [--config config/config.yml] [--devnet] [--section:key=value ...]
                  --devnet   run on an in-process local relay with simulated GPU nodes and SQLite under data/devnet; prints an API key
                Configuration: config/config.yml (or /app/config/config.yml), CRYNUX_BRIDGE_SECTION__KEY variables, --section:key=value flags.
                Operator commands (wallet, key, tasks): dotnet Crynux.Bridge.dll help
                """);
            return 0;
        }
        var devnet = args.Contains("--devnet");
        DevnetHost? relay = null;
        try
        {
            var configPath = ArgValue(args, "--config");
            var configuration = new ConfigurationBuilder();
            if (devnet)
            {
                configuration.AddInMemoryCollection(DevnetDefaults());
            }
            ConfigLoader.AddSources(configuration, ConfigLoader.FindConfigFile(configPath), args);
            var options = ConfigLoader.Bind(configuration.Build());
            EthKey wallet;
            if (devnet)
            {
                wallet = DevnetWallet(Path.GetDirectoryName(Path.GetFullPath(options.DataDir.InferenceTasks))!);
                relay = await DevnetHost.StartAsync(new DevnetOptions
                {
                    MatchingInterval = TimeSpan.Zero,
                    TimeoutCheckInterval = TimeSpan.FromSeconds(1),
                    Funds = { [wallet.Address] = BigInteger.Pow(10, 24) },
                });
                options.Relay.BaseUrl = relay.BaseUrl.ToString();
                options.Relay.EventsPollIntervalMs = Math.Min(options.Relay.EventsPollIntervalMs, 20);
            }
            else
            {
                wallet = WalletLoader.Load(options.Blockchain.Account);
            }

            var app = await BridgeApp.BuildAsync(options, wallet, args: args);
            await app.StartAsync();
            Console.WriteLine($"Crynux Bridge listening on http://{(options.Http.Host is "0.0.0.0" or "" ? "localhost" : options.Http.Host)}:{options.Http.Port} (wallet {wallet.Address})");
            if (devnet)
            {
                var key = await CreateDevnetKeyAsync(app.Services);
                await SelfCheckAsync(options, key);
                Console.WriteLine($"Devnet relay at {relay!.BaseUrl} with {relay.Control.NodeAddresses.Count} simulated nodes; the wallet is funded.");
                Console.WriteLine($"API key (roles chat, image): {key}");
                Console.WriteLine($"Try: curl http://localhost:{options.Http.Port}/v1/chat/completions -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' -d '{{\"model\":\"Qwen/Qwen2.5-7B\",\"messages\":[{{\"role\":\"user\",\"content\":\"Hello\"}}]}}'");
            }
            else
            {
                await CheckBalanceAsync(app.Services.GetRequiredService<RelayClient>());
            }
            await app.WaitForShutdownAsync();
            await app.DisposeAsync();
            return 0;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
        finally
        {
            if (relay is not null)
            {
                await relay.DisposeAsync();
            }
        }
    }

    private static string? ArgValue(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static Dictionary<string, string?> DevnetDefaults() => new()
    {
        ["db:driver"] = "sqlite",
        ["db:connection"] = "data/devnet/crynux_bridge.db",
        ["data_dir:inference_tasks"] = "data/devnet/inference_tasks",
        ["engine:instance_id"] = "devnet",
        ["api:keep_alive_seconds"] = "15",
    };

    /// <summary>The devnet wallet is generated once and kept in data/devnet, so a restart finds its tasks again.</summary>
    private static EthKey DevnetWallet(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, "devnet-wallet.key");
        if (File.Exists(path))
        {
            return EthKey.FromHex(File.ReadAllText(path).Trim());
        }
        var key = EthKey.Generate();
        File.WriteAllText(path, key.ExportHex());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return key;
    }

    private static async Task<string> CreateDevnetKeyAsync(IServiceProvider services)
    {
        var keys = services.GetRequiredService<ApiKeyStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var key = ApiKeys.NewKey();
        var now = time.GetUtcNow();
        var row = await keys.CreateOrRotateAsync(EthAddress.ToChecksum(DevnetClientId), ApiKeys.Hash(key), ApiKeys.Preview(key),
            now.AddDays(365).ToUnixTimeSeconds(), 0, 600, now.ToUnixTimeMilliseconds(), CancellationToken.None);
        await keys.SetRolesAsync(row.Id, $"{Roles.Chat},{Roles.Image}", now.ToUnixTimeMilliseconds(), CancellationToken.None);
        return key;
    }

    /// <summary>
    /// One chat through the whole path (HTTP, engine, devnet) before the key is printed: it proves the devnet round trip
    /// works, and the code it runs is compiled by the time the first request comes (a cold first chat takes seconds).
    /// </summary>
    private static async Task SelfCheckAsync(BridgeOptions options, string key)
    {
        var host = options.Http.Host is "0.0.0.0" or "" or "*" or "localhost" ? "127.0.0.1" : options.Http.Host;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{host}:{options.Http.Port}/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"self-check"}],"max_tokens":4}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request);
            Console.WriteLine(response.IsSuccessStatusCode
                ? $"Devnet self-check: a chat answered in {started.ElapsedMilliseconds} ms."
                : $"warning: the devnet self-check chat answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"warning: the devnet self-check chat failed: {e.Message}");
        }
    }

    private static async Task CheckBalanceAsync(RelayClient relay)
    {
        try
        {
            var balance = await relay.GetBalanceAsync(CancellationToken.None);
            var minimum = Fees.WeiPerCnx * 500;
            Console.WriteLine($"Relay account balance: {Fees.WeiToCnx(balance)} CNX");
            if (balance < minimum)
            {
                Console.WriteLine("warning: the Relay account holds less than 500 CNX; tasks fail with insufficient_balance once it cannot pay a fee.");
            }
        }
        catch (RelayException e)
        {
            Console.WriteLine($"warning: could not read the Relay account balance ({e.Message}); tasks wait until the Relay answers.");
        }
    }
}
