using Crynux.Bridge.Configuration;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Pricing;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Cli;

/// <summary><c>wallet address</c> and <c>wallet balance</c>: the configured application wallet.</summary>
internal static class WalletCommands
{
    public static async Task<int> RunAsync(CliContext context, CancellationToken ct)
    {
        var args = context.Args;
        var sub = args.Word(1, "wallet command: address or balance");
        args.Allow();
        args.NoMoreWords(2);
        switch (sub)
        {
            case "address":
                await context.Output.WriteLineAsync(WalletLoader.Load(context.Options.Blockchain.Account).Address);
                return 0;
            case "balance":
                var options = context.Options;
                var wallet = WalletLoader.Load(options.Blockchain.Account);
                using (var http = new HttpClient
                {
                    BaseAddress = new Uri(options.Relay.BaseUrl.TrimEnd('/') + "/"),
                    Timeout = TimeSpan.FromSeconds(options.Relay.TimeoutSeconds),
                })
                {
                    var relay = new RelayClient(http, wallet, new RelayClock(TimeProvider.System), TimeProvider.System, new BridgeMetrics(), options.Relay);
                    // Signed requests carry the Relay's time, so read its clock first (as the server does).
                    await relay.SyncClockAsync(ct);
                    var balance = await relay.GetBalanceAsync(ct);
                    await context.Output.WriteLineAsync($"{wallet.Address}: {Fees.WeiToCnx(balance)} CNX ({balance} wei) on {options.Relay.BaseUrl}");
                }
                return 0;
            default:
                throw new UsageException($"unknown wallet command '{sub}' (address or balance)");
        }
    }
}
