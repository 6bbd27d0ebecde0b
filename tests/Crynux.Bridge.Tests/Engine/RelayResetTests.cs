using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Crynux.Bridge.Engine.Services;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Engine;

/// <summary>
/// A Relay that starts over (a new devnet, a reset Relay, a database pointed at another Relay): the bridge's event
/// cursor is then ahead of the Relay's ids; the bridge notices, moves the cursor and resyncs instead of waiting.
/// </summary>
public sealed class RelayResetTests
{
    private static readonly object Chat = new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Hello" } } };

    private static async Task<(HttpStatusCode Status, TimeSpan Took, string Body)> ChatAsync(HttpClient http, Uri baseUrl, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "v1/chat/completions")) { Content = JsonContent.Create(Chat) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, clock.Elapsed, body);
    }

    [Fact]
    public async Task The_readme_command_run_twice_answers_a_chat_on_the_second_run()
    {
        var dir = Directory.CreateTempSubdirectory("crynux-bridge-twice-").FullName;
        var port = TestBridge.FreePort();
        var args = new[] { "--devnet", $"--http:port={port.ToString(CultureInfo.InvariantCulture)}", "--log:level=warning" };
        var baseUrl = new Uri($"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var firstRun = "";
        try
        {
            await using (var first = ChildProcess.Start("Crynux.Bridge", dir, args))
            {
                var key = await first.WaitForAsync(@"API key \(roles chat, image\): (\S+)", TimeSpan.FromSeconds(90));
                var answer = await ChatAsync(http, baseUrl, key);
                Assert.True(answer.Status == HttpStatusCode.OK, answer.Body);
                var warm = await ChatAsync(http, baseUrl, key);
                firstRun = $"first run: {answer.Took}, then {warm.Took}";
                await first.InterruptAsync(TimeSpan.FromSeconds(30));
            }
            await using var second = ChildProcess.Start("Crynux.Bridge", dir, args);
            var secondKey = await second.WaitForAsync(@"API key \(roles chat, image\): (\S+)", TimeSpan.FromSeconds(90));
            var again = await ChatAsync(http, baseUrl, secondKey);
            Assert.True(again.Status == HttpStatusCode.OK, again.Body);
            // How fast is the benchmark's to judge (timings on shared cores are not a test); what must hold is that the
            // second run noticed the new devnet instead of waiting for events that will never come.
            Assert.Contains("was reset or is another Relay", second.Output, StringComparison.Ordinal);
            TestContext.Current.TestOutputHelper?.WriteLine($"second run's chat: {again.Took} ({firstRun})");
            await second.InterruptAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_standalone_devnet_reset_under_a_running_bridge_is_noticed_and_the_next_chat_answered()
    {
        var relayPort = TestBridge.FreePort();
        await using var bridge = await TestBridge.StartAsync(start: false, fund: false);
        var devnetArgs = new[]
        {
            "--port", relayPort.ToString(CultureInfo.InvariantCulture), "--matching-interval-ms", "0",
            "--fund", $"{bridge.Wallet.Address}=1000000000000000000000000",
        };
        var devnet = ChildProcess.Start("Crynux.Devnet", bridge.DataDir, devnetArgs);
        try
        {
            await devnet.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
            bridge.Options.Relay.BaseUrl = $"http://127.0.0.1:{relayPort.ToString(CultureInfo.InvariantCulture)}/";
            await bridge.StartBridgeAsync();
            var key = await bridge.CreateKeyAsync("0x" + new string('2', 40), "chat,image", useLimit: 0, rateLimit: 0);
            var before = await ChatAsync(bridge.Http, bridge.BaseUrl, key);
            Assert.True(before.Status == HttpStatusCode.OK, before.Body);

            // The Relay starts over on the same address: its event ids begin again below the bridge's cursor.
            await devnet.InterruptAsync(TimeSpan.FromSeconds(30));
            await devnet.DisposeAsync();
            devnet = ChildProcess.Start("Crynux.Devnet", bridge.DataDir, devnetArgs);
            await devnet.WaitForAsync("listening on", TimeSpan.FromSeconds(60));

            var after = await ChatAsync(bridge.Http, bridge.BaseUrl, key);
            Assert.True(after.Status == HttpStatusCode.OK, after.Body);
            Assert.True(bridge.Service<EventLoopService>().Resets >= 1, "the reset went unnoticed");
        }
        finally
        {
            await devnet.DisposeAsync();
        }
    }
}
