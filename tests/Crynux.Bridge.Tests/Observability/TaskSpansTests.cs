using System.Diagnostics;
using System.Net;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Crynux.Bridge.Tests.Observability;

/// <summary>A task's Relay calls and stages are spans in the trace of the client request that admitted it.</summary>
public sealed class TaskSpansTests
{
    [Fact]
    public async Task A_chat_with_a_traceparent_exports_its_task_pass_relay_and_stage_spans_in_that_trace()
    {
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(BridgeTelemetry.SourceName)
            .AddAspNetCoreInstrumentation()
            .AddInMemoryExporter(exported)
            .Build();
        await using var bridge = await TestBridge.StartAsync();

        var traceId = ActivityTraceId.CreateRandom();
        var clientSpan = ActivitySpanId.CreateRandom();
        using (var chat = await bridge.PostAsync("v1/chat/completions",
            new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Hello" } } },
            headers: new Dictionary<string, string> { ["traceparent"] = $"00-{traceId}-{clientSpan}-01" }))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }
        tracing.ForceFlush();

        // Other tests' bridges share the process (and this listener): only this trace counts. Spans that end before the
        // answer is written: the pass that created the task, the create and download calls, and the stages.
        Activity[] spans;
        lock (exported)
        {
            spans = [.. exported.Where(a => a.TraceId == traceId)];
        }
        var names = spans.Select(s => s.DisplayName).ToHashSet(StringComparer.Ordinal);
        // A 2026 Relay takes creates in batches (the devnet's default); a 2025 Relay one by one.
        var createName = names.Contains("relay batch_create") ? "relay batch_create" : "relay create";
        Assert.Contains(createName, names);
        Assert.Contains("relay download", names);
        Assert.Contains("task stage create", names);
        Assert.Contains("task stage download", names);

        var passes = spans.Where(s => s.DisplayName == "task pass").ToList();
        Assert.NotEmpty(passes);
        Assert.All(passes, p => Assert.NotEqual(default, p.ParentSpanId));
        var passIds = passes.Select(p => p.SpanId).ToHashSet();
        var create = Assert.Single(spans, s => s.DisplayName == createName);
        Assert.Equal(ActivityKind.Client, create.Kind);
        Assert.Equal(createName[6..], create.GetTagItem("crynux.relay.endpoint"));
        Assert.Contains(create.ParentSpanId, passIds);
        var stage = Assert.Single(spans, s => s.DisplayName == "task stage create");
        Assert.Contains(stage.ParentSpanId, passIds);
        // The passes hang under the bridge's server span, whose parent is the client's span from the traceparent.
        var request = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/v1/chat/completions", StringComparison.Ordinal));
        Assert.Equal(clientSpan, request.ParentSpanId);
        Assert.All(passes, p => Assert.Equal(request.SpanId, p.ParentSpanId));
        // And the Relay (the in-process devnet, which the same listener sees) gets the trace: HttpClient sends traceparent.
        var relayRoute = createName == "relay create" ? "POST /v1/inference_tasks/{task_id_commitment}" : "POST /v1/inference_tasks/batch";
        var relaySide = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.DisplayName == relayRoute);
        Assert.InRange(relaySide.StartTimeUtc, create.StartTimeUtc, create.StartTimeUtc + create.Duration);
    }
}
