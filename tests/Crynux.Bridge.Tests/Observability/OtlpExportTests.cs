using System.Net;
using Crynux.Bridge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Crynux.Bridge.Tests.Observability;

/// <summary>otel.endpoint turns on OTLP export of metrics and traces; a collector that is not there costs the bridge nothing.</summary>
public sealed class OtlpExportTests
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task With_an_unreachable_collector_the_bridge_still_serves_tasks_metrics_and_readiness(string protocol)
    {
        await using var bridge = await TestBridge.StartAsync(configure: o =>
        {
            o.Otel.Endpoint = $"http://127.0.0.1:{TestBridge.FreePort()}";
            o.Otel.Protocol = protocol;
        });

        using (var chat = await bridge.PostAsync("v1/chat/completions",
            new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Hello" } } },
            headers: new Dictionary<string, string> { ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }
        var metrics = await bridge.Http.GetStringAsync(new Uri(bridge.BaseUrl, "metrics"), TestContext.Current.CancellationToken);
        Assert.Contains("crynux_bridge_tasks_total{kind=\"chat\",status=\"success\"} 1", metrics, StringComparison.Ordinal);
        using var ready = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, "readyz"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Traces_reach_an_otlp_http_collector()
    {
        // A stand-in collector: the first POST to /v1/traces carrying protobuf is what the bridge's exporter sends.
        var received = new TaskCompletionSource<(string? ContentType, long Length)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collectorPort = TestBridge.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{collectorPort}");
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.TrySetResult((request.ContentType, body.Length));
            return Results.Ok();
        });
        collector.MapPost("/v1/metrics", () => Results.Ok());
        await collector.StartAsync(TestContext.Current.CancellationToken);

        await using var bridge = await TestBridge.StartAsync(configure: o =>
        {
            o.Otel.Endpoint = $"http://127.0.0.1:{collectorPort}";
            o.Otel.Protocol = "http/protobuf";
        });
        using (var chat = await bridge.PostAsync("v1/chat/completions",
            new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Hello" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        // The batch exporter sends within its schedule (5 s by default); wait for that event, bounded.
        var (contentType, length) = await received.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal("application/x-protobuf", contentType);
        Assert.True(length > 0);
        await collector.StopAsync(TestContext.Current.CancellationToken);
    }
}
