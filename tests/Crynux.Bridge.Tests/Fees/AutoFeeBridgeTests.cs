using System.Globalization;
using System.Net;
using System.Numerics;
using Crynux.Bridge.Data;
using Crynux.Bridge.Pricing;
using Crynux.Bridge.Tests.Api;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;

// Not "…Tests.Fees": that namespace would hide Crynux.Bridge.Api.Fees from every test under Crynux.Bridge.Tests.
namespace Crynux.Bridge.Tests.TaskFees;

/// <summary>
/// task.fee_mode auto against the devnet: fees from its execution-time coefficients (constant 1 s, 0.001 s per input
/// token, 0.02 s per output token; SD 2 s + 1e-7 s per pixel-step) × its queue priority, set with the devnet's
/// priority-snapshot knob; the ceiling; fixed mode; and the fixed fallback when the Relay cannot price.
/// </summary>
public sealed class AutoFeeBridgeTests
{
    private const string LlmArgs = """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}],"generation_config":{"max_new_tokens":20}}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<TestBridge> StartAutoAsync(Action<Crynux.Bridge.Configuration.BridgeOptions>? configure = null, Action<DevnetOptions>? devnet = null,
        HttpMessageHandler? relayHandler = null) =>
        TestBridge.StartAsync(configure: o =>
        {
            o.Task.FeeMode = "auto";
            configure?.Invoke(o);
        }, devnet: devnet, relayHandler: relayHandler);

    /// <summary>Sets the devnet's queue snapshot (GWei) and has the bridge read it now, as its refresher would.</summary>
    private static async Task SetQueueAsync(TestBridge bridge, long highest, long median, long lowest)
    {
        bridge.Devnet.Control.SetQueuedPrioritySnapshot(3, highest, median, lowest);
        await bridge.Service<FeeQuotes>().RefreshAsync(Ct);
    }

    /// <summary>A chat completion; answers the x-crynux-task-fee header (wei) and the stored fee of its Relay task.</summary>
    private static async Task<(BigInteger Header, string Stored)> ChatAsync(TestBridge bridge, int maxTokens, IDictionary<string, string>? headers = null)
    {
        using var response = await bridge.PostAsync("v1/chat/completions",
            new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Say hi" } }, max_tokens = maxTokens }, headers: headers);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var header = BigInteger.Parse(response.Headers.GetValues("x-crynux-task-fee").Single(), CultureInfo.InvariantCulture);
        var id = (await TestBridge.JsonAsync(response)).GetProperty("id").GetString()!["chatcmpl-".Length..];
        var stored = await StoredFeeAsync(bridge, id);
        return (header, stored);
    }

    private static async Task<string> StoredFeeAsync(TestBridge bridge, string publicId)
    {
        var store = bridge.Service<TaskStore>();
        var task = await store.GetClientTaskByPublicIdAsync(publicId, Ct);
        var members = await store.GetMembersAsync(task!.Id, Ct);
        Assert.Single(members.Select(m => m.TaskFee).Distinct());
        // The Relay was asked for the same fee.
        Assert.Contains(bridge.Devnet.Control.GetTasks(), t => t.TaskIdCommitment == members[0].TaskIdCommitment && t.TaskFee.ToString(CultureInfo.InvariantCulture) == members[0].TaskFee);
        return members[0].TaskFee;
    }

    /// <summary>The devnet's LLM estimate for "Say hi" (6 bytes: 2 tokens) at min_vram 24 (weight 3), by the formula of docs/api.md.</summary>
    private static BigInteger ExpectedLlmWei(long priorityGwei, int maxTokens)
    {
        var seconds = 1 + (0.001 * 2) + (0.02 * maxTokens) + 0.0;
        return new BigInteger(Math.Floor((double)priorityGwei * seconds * 3.0)) * BigInteger.Pow(10, 9);
    }

    [Fact]
    public async Task Auto_fees_follow_the_token_budget_and_the_relays_queue_priority()
    {
        await using var bridge = await StartAutoAsync();
        await SetQueueAsync(bridge, highest: 3000, median: 2000, lowest: 1000);

        var small = await ChatAsync(bridge, 128);
        var large = await ChatAsync(bridge, 3000);
        Assert.Equal(ExpectedLlmWei(2000, 128), small.Header);
        Assert.Equal(ExpectedLlmWei(2000, 3000), large.Header);
        Assert.Equal(small.Header.ToString(CultureInfo.InvariantCulture), small.Stored);
        Assert.Equal(large.Header.ToString(CultureInfo.InvariantCulture), large.Stored);
        Assert.True(large.Header > small.Header * 10);

        // The queue moves: the next fee follows it.
        await SetQueueAsync(bridge, highest: 9000, median: 4000, lowest: 1000);
        var after = await ChatAsync(bridge, 128);
        Assert.Equal(ExpectedLlmWei(4000, 128), after.Header);

        Assert.Equal(3, await MetricValues.CounterAsync(bridge, "crynux_bridge_task_fees_total", "task_type=\"llm\",mode=\"auto\""));
        Assert.Equal((long)((small.Header + large.Header + after.Header) / BigInteger.Pow(10, 9)),
            await MetricValues.CounterAsync(bridge, "crynux_bridge_task_fee_gwei_total", "task_type=\"llm\",mode=\"auto\""));
        Assert.Equal(0, await MetricValues.CounterAsync(bridge, "crynux_bridge_fee_fallbacks_total", "reason=\"relay_unavailable\""));
    }

    [Fact]
    public async Task Image_fees_grow_with_the_size_and_a_raw_task_fee_is_kept()
    {
        await using var bridge = await StartAutoAsync(o => o.Task.FeePriority = "p50");
        await SetQueueAsync(bridge, highest: 3000, median: 2500, lowest: 1000);
        var fees = new List<BigInteger>();
        foreach (var size in new[] { "512x512", "1024x1024" })
        {
            using var response = await bridge.PostAsync("v1/images/generations", new { prompt = "a fox", size });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            fees.Add(BigInteger.Parse(response.Headers.GetValues("x-crynux-task-fee").Single(), CultureInfo.InvariantCulture));
        }
        // p50 = 1000 + (3000 − 1000) × 50 / 100 = 2000 GWei; sdxl-turbo: 1 step, min_vram 14 (weight 1.75).
        Assert.Equal(new BigInteger(Math.Floor(2000.0 * (2 + (512.0 * 512 * 1e-7)) * 1.75)) * BigInteger.Pow(10, 9), fees[0]);
        Assert.Equal(new BigInteger(Math.Floor(2000.0 * (2 + (1024.0 * 1024 * 1e-7)) * 1.75)) * BigInteger.Pow(10, 9), fees[1]);

        // A raw task without task_fee is priced; with one, its fee is used as sent.
        var priced = await bridge.RunRawAsync(TestTasks.SdTask(2));
        var members = await bridge.Service<TaskStore>().GetMembersAsync(priced.Id, Ct);
        Assert.Equal(new BigInteger(Math.Floor(2000.0 * (2 + (2.0 * 256 * 256 * 1e-7)) * 1.75)) * BigInteger.Pow(10, 9),
            BigInteger.Parse(members[0].TaskFee, CultureInfo.InvariantCulture));
        using var given = await bridge.PostAsync("v1/inference_tasks", new { task_type = 1, task_args = LlmArgs, task_fee = "123000000000" });
        Assert.Equal(HttpStatusCode.OK, given.StatusCode);
        Assert.Equal("123000000000", given.Headers.GetValues("x-crynux-task-fee").Single());
        Assert.Equal(1, await MetricValues.CounterAsync(bridge, "crynux_bridge_task_fees_total", "task_type=\"llm\",mode=\"client\""));
    }

    [Fact]
    public async Task The_ceiling_clamps_an_auto_fee()
    {
        await using var bridge = await StartAutoAsync(o => o.Task.MaxFeeCnx.Llm = 0.5m);
        await SetQueueAsync(bridge, highest: 900_000_000_000, median: 900_000_000_000, lowest: 900_000_000_000);
        var clamped = await ChatAsync(bridge, 3000);
        Assert.Equal(BigInteger.Pow(10, 18) / 2, clamped.Header);
    }

    [Fact]
    public async Task A_cap_below_the_price_is_a_402_that_admits_nothing_and_a_cap_above_never_raises_the_fee()
    {
        await using var bridge = await StartAutoAsync();
        await SetQueueAsync(bridge, highest: 3000, median: 2000, lowest: 1000);
        var price = ExpectedLlmWei(2000, 128);
        var before = await SafetyChecks.SnapshotAsync(bridge);
        var cases = new (string Path, string Body, string Param)[]
        {
            ("v1/chat/completions", $$"""{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"Say hi"}],"max_tokens":128,"max_fee":"{{price - 1}}"}""", "max_fee"),
            ("v1/chat/completions", """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"Say hi"}],"max_tokens":128,"max_fee":0.0000001}""", "max_fee"),
            ("v1/images/generations", """{"prompt":"a fox","max_fee":0}""", "max_fee"),
            ("v1/inference_tasks", $$"""{"task_type":1,"task_args":{{LlmArgs}},"max_fee":"1"}""", "max_fee"),
        };
        foreach (var (path, json, param) in cases)
        {
            var (status, body, _) = await SafetyChecks.PostTextAsync(bridge, path, json, bridge.ApiKey);
            Assert.Equal(402, status);
            Assert.Equal(param, SafetyChecks.AssertEnvelope("/" + path, body, status));
            // OpenAI routes carry the code; the native envelope says payment_required.
            Assert.Contains(Crynux.Bridge.Api.RouteFamily.IsOpenAi("/" + path) ? "fee_above_cap" : "payment_required", body, StringComparison.Ordinal);
            Assert.Contains("wei", body, StringComparison.Ordinal);
        }
        // The header cap, and the message names both the price and the cap.
        using (var capped = await bridge.PostAsync("v1/chat/completions",
                   new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Say hi" } }, max_tokens = 128 },
                   headers: new Dictionary<string, string> { ["x-crynux-max-fee"] = (price - 1).ToString(CultureInfo.InvariantCulture) }))
        {
            var body = await capped.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.PaymentRequired, capped.StatusCode);
            Assert.Equal("x-crynux-max-fee", SafetyChecks.AssertEnvelope("/v1/chat/completions", body, 402));
            Assert.Contains($"({price} wei)", body, StringComparison.Ordinal);
            Assert.Contains($"({price - 1} wei)", body, StringComparison.Ordinal);
        }
        Assert.Equal(before, await SafetyChecks.SnapshotAsync(bridge));
        Assert.Equal(0, bridge.CountLedger("TaskPayment"));

        // A cap at or far above the price: the price is paid, not the cap.
        var atCap = await ChatAsync(bridge, 128, new Dictionary<string, string> { ["x-crynux-max-fee"] = price.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal(price, atCap.Header);
        var farAbove = await ChatAsync(bridge, 128, new Dictionary<string, string> { ["x-crynux-max-fee"] = "1000000000000000000000" });
        Assert.Equal(price, farAbove.Header);
    }

    [Fact]
    public async Task Fixed_mode_charges_todays_defaults_and_never_asks_the_relay_for_prices()
    {
        using var recorder = new RelayCallRecorder();
        await using var bridge = await TestBridge.StartAsync(relayHandler: recorder); // the test bridge's default is fixed
        var chat = await ChatAsync(bridge, 3000);
        Assert.Equal(5 * TestBridge.Cnx, chat.Header);
        using (var image = await bridge.PostAsync("v1/images/generations", new { prompt = "a fox", n = 2, size = "256x256" }))
        {
            Assert.Equal((4 * TestBridge.Cnx).ToString(CultureInfo.InvariantCulture), image.Headers.GetValues("x-crynux-task-fee").Single());
        }
        var raw = await bridge.RunRawAsync(TestTasks.SdTask(3));
        Assert.Equal((6 * TestBridge.Cnx).ToString(CultureInfo.InvariantCulture), (await bridge.Service<TaskStore>().GetMembersAsync(raw.Id, Ct))[0].TaskFee);
        // A cap still applies to a fixed fee.
        var (status, body, _) = await SafetyChecks.PostTextAsync(bridge, "v1/chat/completions",
            """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"Say hi"}],"max_fee":4.99}""", bridge.ApiKey);
        Assert.Equal(402, status);
        Assert.Contains("5 CNX", body, StringComparison.Ordinal);
        Assert.DoesNotContain(recorder.Calls, c => c.Path.StartsWith("/v2/models", StringComparison.Ordinal) || c.Path.StartsWith("/v2/tasks", StringComparison.Ordinal));
        Assert.Equal(1, await MetricValues.CounterAsync(bridge, "crynux_bridge_task_fees_total", "task_type=\"llm\",mode=\"fixed\""));
        Assert.Equal(2, await MetricValues.CounterAsync(bridge, "crynux_bridge_task_fees_total", "task_type=\"sd\",mode=\"fixed\""));
    }

    [Fact]
    public async Task A_2025_relay_gets_the_fixed_fee_in_auto_mode()
    {
        await using var bridge = await StartAutoAsync(devnet: o => o.Protocol = 2025);
        var chat = await ChatAsync(bridge, 3000);
        Assert.Equal(5 * TestBridge.Cnx, chat.Header);
        Assert.True(await MetricValues.CounterAsync(bridge, "crynux_bridge_fee_fallbacks_total", "reason=\"relay_without_pricing\"") >= 1);
        Assert.Equal(1, await MetricValues.CounterAsync(bridge, "crynux_bridge_task_fees_total", "task_type=\"llm\",mode=\"fixed\""));
    }

    [Fact]
    public async Task Failing_pricing_routes_fall_back_to_the_fixed_fee()
    {
        await using var bridge = await StartAutoAsync();
        bridge.Devnet.Control.AddFault(new FaultRule { Route = "pricing", Kind = FaultKind.Status, StatusCode = 502, Count = 0 });
        var chat = await ChatAsync(bridge, 128);
        Assert.Equal(5 * TestBridge.Cnx, chat.Header);
        using (var image = await bridge.PostAsync("v1/images/generations", new { prompt = "a fox", size = "256x256" }))
        {
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal((2 * TestBridge.Cnx).ToString(CultureInfo.InvariantCulture), image.Headers.GetValues("x-crynux-task-fee").Single());
        }
        Assert.True(await MetricValues.CounterAsync(bridge, "crynux_bridge_fee_fallbacks_total", "reason=\"relay_unavailable\"") >= 2);
    }
}
