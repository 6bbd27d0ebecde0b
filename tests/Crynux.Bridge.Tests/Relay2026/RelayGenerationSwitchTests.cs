using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Relay2026;

/// <summary>
/// A standalone devnet restarted under a running bridge with the other <c>--protocol</c>, twice (2026 → 2025 → 2026):
/// the bridge learns each time which generation it talks to (a batch route missing, a result route missing) and every
/// chat and image after a switch is answered, with no request failing on the way.
/// </summary>
public sealed class RelayGenerationSwitchTests
{
    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(TestBridge bridge, string key, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge.BaseUrl, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await bridge.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_relay_switching_generation_under_a_running_bridge_keeps_answering()
    {
        var relayPort = TestBridge.FreePort().ToString(CultureInfo.InvariantCulture);
        await using var bridge = await TestBridge.StartAsync(start: false, fund: false);
        string[] Args(int protocol) =>
        [
            "--port", relayPort, "--matching-interval-ms", "0", "--protocol", protocol.ToString(CultureInfo.InvariantCulture),
            "--fund", $"{bridge.Wallet.Address}=1000000000000000000000000",
        ];
        var devnet = ChildProcess.Start("Crynux.Devnet", bridge.DataDir, Args(2026));
        try
        {
            await devnet.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
            bridge.Options.Relay.BaseUrl = $"http://127.0.0.1:{relayPort}/";
            await bridge.StartBridgeAsync();
            var key = await bridge.CreateKeyAsync("0x" + new string('2', 40), "chat,image", useLimit: 0, rateLimit: 0);
            foreach (var protocol in new[] { 2026, 2025, 2026 })
            {
                var chat = await PostAsync(bridge, key, "v1/chat/completions",
                    new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = $"on {protocol}" } } });
                Assert.True(chat.Status == HttpStatusCode.OK, $"{protocol}: {chat.Status} {chat.Body}");
                var image = await PostAsync(bridge, key, "v1/images/generations",
                    new { model = "crynux-network/sdxl-turbo", prompt = $"a fox on {protocol}", n = 2, size = "256x256" });
                Assert.True(image.Status == HttpStatusCode.OK, $"{protocol}: {image.Status} {image.Body}");

                // The Relay restarts on the same address as the other generation.
                await devnet.InterruptAsync(TimeSpan.FromSeconds(30));
                await devnet.DisposeAsync();
                devnet = ChildProcess.Start("Crynux.Devnet", bridge.DataDir, Args(protocol == 2026 ? 2025 : 2026));
                await devnet.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            await devnet.DisposeAsync();
        }
    }
}
