using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Crynux.Bridge.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Crynux.Bridge.Tests.Api;

/// <summary>
/// Issue item 6, the property: for every route of /openapi.json, generated bad input (FsCheck generators, fixed seed) gets a
/// 4xx in the route's envelope, spends no use, admits no task, changes no key and leaves the process serving.
/// CRYNUX_FUZZ_REQUESTS sets the count (default 2,400) and CRYNUX_FUZZ_SEED the seed (default 20261202).
/// </summary>
public sealed class BadInputPropertyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    [Fact]
    public async Task Every_route_refuses_generated_bad_input_with_a_4xx_in_its_envelope_and_changes_nothing()
    {
        var count = Setting("CRYNUX_FUZZ_REQUESTS", 2400);
        var seed = (ulong)Setting("CRYNUX_FUZZ_SEED", 20261202);
        await using var bridge = await TestBridge.StartAsync(configure: o => o.Http.MaxBodyBytes = 64 * 1024);
        var routes = await ErrorEnvelopeTests.RoutesAsync(bridge);
        var operations = routes.SelectMany(r => r.Methods.Select(m => (Method: m, r.Template, AllMethods: r.Methods, r.HasBody))).ToList();
        Assert.True(operations.Count >= 20, $"only {operations.Count} operations in /openapi.json");
        var generic = operations.Where(o => o.HasBody && o.Method != "GET" && !BadInputs.KnowsBody(o.Method, o.Template)).Select(o => $"{o.Method} {o.Template}").ToList();
        // Known routes get field-level cases; a JSON route added later gets whole-body cases until BadInputs learns its fields.

        var cases = BadInputs.For(operations.Select(o => (o.Method, o.Template, o.AllMethods, o.HasBody)).ToList(), bridge.ApiKey)
            .Sample(count, new Rnd(seed), 50);
        Assert.Equal(count, cases.Length);
        var before = await SafetyChecks.SnapshotAsync(bridge);
        var perRoute = new Dictionary<string, int>(StringComparer.Ordinal);
        var statuses = new SortedDictionary<int, int>();
        for (var i = 0; i < cases.Length; i++)
        {
            var bad = cases[i];
            int status;
            string body;
            try
            {
                (status, body) = await SendAsync(bridge, bad);
            }
            catch (HttpRequestException e)
            {
                throw new Xunit.Sdk.XunitException($"case {i}: {bad} → no answer: {e.Message} ({e.InnerException?.Message})");
            }
            Assert.True(status is >= 400 and < 500 and not 429, $"case {i}: {bad} → {status} {body}");
            var path = bad.Path.Split('?')[0];
            try
            {
                SafetyChecks.AssertEnvelope(path, body, status);
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or KeyNotFoundException or InvalidOperationException)
            {
                Assert.Fail($"case {i}: {bad} → {status} without its envelope: {body} ({e.Message})");
            }
            if (BadInputs.CanChangeState(bad.Route) || i == cases.Length - 1)
            {
                var after = await SafetyChecks.SnapshotAsync(bridge);
                Assert.True(before == after, $"case {i} changed the state: {bad} → {status} {body}\nbefore {before}\nafter  {after}");
            }
            perRoute[bad.Route] = perRoute.GetValueOrDefault(bad.Route) + 1;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{cases.Length} requests, seed {seed}; statuses {string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"))}" +
            (generic.Count > 0 ? "; whole-body cases only for " + string.Join(", ", generic) : ""));

        // Every route was driven, and no answer was a 5xx the bridge counted either.
        foreach (var op in operations)
        {
            Assert.True(perRoute.GetValueOrDefault($"{op.Method} {op.Template}") >= 5, $"{op.Method} {op.Template} got too few cases");
        }
        var metrics = await bridge.Http.GetStringAsync(new Uri(bridge.BaseUrl, "metrics"), Ct);
        Assert.DoesNotContain("status=\"5", metrics, StringComparison.Ordinal);

        // The process is alive and still does its work: a valid request after all that succeeds.
        using var health = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, "healthz"), Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var chat = await bridge.PostAsync("v1/chat/completions", new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    private static async Task<(int Status, string Body)> SendAsync(TestBridge bridge, BadRequest bad)
    {
        using var request = new HttpRequestMessage(new HttpMethod(bad.Method), new Uri(bridge.BaseUrl, bad.Path.TrimStart('/')));
        if (bad.Body is not null)
        {
            request.Content = new ByteArrayContent(bad.Body);
            if (bad.ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(bad.ContentType);
            }
        }
        if (bad.Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", bad.Authorization);
        }
        if (bad.IdempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", bad.IdempotencyKey);
        }
        // One connection per case: a rejected body may be answered before it was read, and Kestrel then closes the
        // connection; reusing it would make the next case's answer a transport error instead of what the route said.
        request.Headers.ConnectionClose = true;
        using var response = await bridge.Http.SendAsync(request, Ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public void The_generator_is_deterministic_for_a_seed()
    {
        (string, string, string[], bool)[] operations = [("POST", "/v1/chat/completions", ["POST"], true), ("GET", "/v1/count/task", ["GET"], false)];
        var first = BadInputs.For(operations, "key").Sample(200, new Rnd(7), 50).Select(c => c.ToString()).ToArray();
        var second = BadInputs.For(operations, "key").Sample(200, new Rnd(7), 50).Select(c => c.ToString()).ToArray();
        Assert.Equal(first, second);
        Assert.True(first.Distinct().Count() > 50, "the generator repeats itself");
    }
}
