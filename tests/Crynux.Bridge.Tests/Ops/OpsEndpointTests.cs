using System.Globalization;
using System.Net;
using System.Text.Json;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;

namespace Crynux.Bridge.Tests.Ops;

/// <summary>/metrics moves with traffic; /readyz follows the Relay.</summary>
public sealed class OpsEndpointTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;

    public async ValueTask InitializeAsync() => _bridge = await TestBridge.StartAsync();

    public async ValueTask DisposeAsync() => await _bridge.DisposeAsync();

    /// <summary>Samples by name and labels, from the Prometheus text format.</summary>
    private async Task<Dictionary<string, double>> ScrapeAsync()
    {
        using var response = await _bridge.Http.GetAsync(new Uri(_bridge.BaseUrl, "metrics"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            samples[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return samples;
    }

    private static double Sum(Dictionary<string, double> samples, string name, string labelPart = "") =>
        samples.Where(s => (s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal)) && s.Key.Contains(labelPart, StringComparison.Ordinal)).Sum(s => s.Value);

    [Fact]
    public async Task Metrics_counters_move_after_a_few_tasks()
    {
        var before = await ScrapeAsync();
        for (var i = 0; i < 2; i++)
        {
            using var chat = await _bridge.PostAsync("v1/chat/completions",
                new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = $"Hello {i}" } } });
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }
        using (var image = await _bridge.PostAsync("v1/images/generations", new { model = "crynux-ai/sdxl-turbo", prompt = "a lighthouse", n = 1, size = "512x512" }))
        {
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        }
        using (var unauthorized = await _bridge.PostAsync("v1/chat/completions", new { model = "Qwen/Qwen2.5-7B" }, key: "sk-wrong"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        }
        var after = await ScrapeAsync();

        Assert.Equal(2, Sum(after, "crynux_bridge_tasks_total", "kind=\"chat\",status=\"success\"") - Sum(before, "crynux_bridge_tasks_total", "kind=\"chat\",status=\"success\""));
        Assert.Equal(1, Sum(after, "crynux_bridge_tasks_total", "kind=\"image\",status=\"success\"") - Sum(before, "crynux_bridge_tasks_total", "kind=\"image\",status=\"success\""));
        // Each task is at least created, read and downloaded on the Relay.
        Assert.True(Sum(after, "crynux_bridge_relay_requests_total", "outcome=\"ok\"") - Sum(before, "crynux_bridge_relay_requests_total", "outcome=\"ok\"") >= 9);
        Assert.True(Sum(after, "crynux_bridge_http_requests_total", "status=\"200\"") - Sum(before, "crynux_bridge_http_requests_total", "status=\"200\"") >= 3);
        Assert.True(Sum(after, "crynux_bridge_http_requests_total", "status=\"401\"") > Sum(before, "crynux_bridge_http_requests_total", "status=\"401\""));
        Assert.True(Sum(after, "crynux_bridge_task_duration_seconds_count") >= 3);
        Assert.True(Sum(after, "crynux_bridge_task_stage_seconds_count") > Sum(before, "crynux_bridge_task_stage_seconds_count"));
        Assert.Contains(after.Keys, k => k.StartsWith("crynux_bridge_waiting_requests", StringComparison.Ordinal));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync()
    {
        using var response = await _bridge.Http.GetAsync(new Uri(_bridge.BaseUrl, "readyz"), TestContext.Current.CancellationToken);
        return (response.StatusCode, await TestBridge.JsonAsync(response));
    }

    [Fact]
    public async Task Readyz_is_503_while_the_relay_fails_and_200_when_it_answers()
    {
        var (status, body) = await ReadyAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ready", body.GetProperty("status").GetString());

        _bridge.Devnet.Control.Faults = new FaultOptions { FailureRate = 1 };
        try
        {
            (status, body) = await ReadyAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("not_ready", body.GetProperty("status").GetString());
            Assert.Equal("ok", body.GetProperty("database").GetString());
            Assert.NotEqual("ok", body.GetProperty("relay").GetString());
        }
        finally
        {
            _bridge.Devnet.Control.Faults = new FaultOptions();
        }

        (status, body) = await ReadyAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        using var health = await _bridge.Http.GetAsync(new Uri(_bridge.BaseUrl, "healthz"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Readyz_is_503_when_no_relay_listens()
    {
        await using var unstarted = await TestBridge.StartAsync(start: false, configure: o => o.Relay.MaxAttempts = 1);
        unstarted.Options.Relay.BaseUrl = $"http://127.0.0.1:{TestBridge.FreePort()}/";
        await using var app = await BridgeApp.BuildAsync(unstarted.Options, unstarted.Wallet);
        await app.StartAsync(TestContext.Current.CancellationToken);
        using var response = await unstarted.Http.GetAsync(new Uri(unstarted.BaseUrl, "readyz"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await TestBridge.JsonAsync(response);
        Assert.Equal("ok", body.GetProperty("database").GetString());
        Assert.NotEqual("ok", body.GetProperty("relay").GetString());
        await app.StopAsync(TestContext.Current.CancellationToken);
    }
}
