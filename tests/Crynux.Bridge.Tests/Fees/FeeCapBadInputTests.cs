using System.Text;
using Crynux.Bridge.Tests.Api;
using Crynux.Bridge.Tests.Support;

// Not "…Tests.Fees": that namespace would hide Crynux.Bridge.Api.Fees from every test under Crynux.Bridge.Tests.
namespace Crynux.Bridge.Tests.TaskFees;

/// <summary>A malformed fee cap is a 400 naming max_fee or x-crynux-max-fee on every task route, and admits nothing.</summary>
public sealed class FeeCapBadInputTests
{
    private static readonly (string Path, string Body)[] Routes =
    [
        ("/v1/chat/completions", """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}]MAX}"""),
        ("/v1/completions", """{"model":"Qwen/Qwen2.5-7B","prompt":"hi"MAX}"""),
        ("/v1/responses", """{"model":"Qwen/Qwen2.5-7B","input":"hi"MAX}"""),
        ("/v1/images/generations", """{"prompt":"a fox","size":"256x256"MAX}"""),
        ("/v1/inference_tasks", """{"task_type":1,"task_args":{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}]}MAX}"""),
    ];

    private static readonly string[] BadBodyValues =
        ["\"abc\"", "true", "{}", "[]", "-1", "-0.5", "1e300", "-1e300", "1000000001", "\"-5\"", "\"1.5\"", "\"\"", "\"" + new string('9', 50) + "\"", "\"1e3\""];

    private static readonly string[] BadHeaderValues = ["abc", "-5", "1.5", "0x10", "1e3", new string('9', 50), "5 CNX"];

    [Fact]
    public async Task Bad_max_fee_values_and_headers_are_400s_naming_the_field_with_nothing_admitted()
    {
        await using var bridge = await TestBridge.StartAsync(configure: o => o.Task.FeeMode = "auto");
        var before = await SafetyChecks.SnapshotAsync(bridge);
        foreach (var (path, template) in Routes)
        {
            foreach (var value in BadBodyValues)
            {
                var (status, body, _) = await SafetyChecks.PostTextAsync(bridge, path, template.Replace("MAX", ",\"max_fee\":" + value, StringComparison.Ordinal), bridge.ApiKey);
                Assert.True(status == 400, $"{path} max_fee {value}: {status} {body}");
                Assert.Equal("max_fee", SafetyChecks.AssertEnvelope(path, body, status));
            }
            foreach (var value in BadHeaderValues)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge.BaseUrl, path.TrimStart('/')))
                {
                    Content = new StringContent(template.Replace("MAX", "", StringComparison.Ordinal), Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bridge.ApiKey);
                request.Headers.TryAddWithoutValidation("x-crynux-max-fee", value);
                using var response = await bridge.Http.SendAsync(request, TestContext.Current.CancellationToken);
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                Assert.True((int)response.StatusCode == 400, $"{path} header {value}: {(int)response.StatusCode} {body}");
                Assert.Equal("x-crynux-max-fee", SafetyChecks.AssertEnvelope(path, body, 400));
            }
        }
        Assert.Equal(before, await SafetyChecks.SnapshotAsync(bridge));
        Assert.Equal(0, bridge.CountLedger("TaskPayment"));
    }

    [Fact]
    public async Task The_openapi_document_describes_max_fee_the_cap_header_the_fee_header_and_the_402()
    {
        await using var bridge = await TestBridge.StartAsync();
        using var response = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, "openapi.json"), TestContext.Current.CancellationToken);
        var doc = await TestBridge.JsonAsync(response);
        foreach (var (path, schema) in new[] { ("/v1/chat/completions", "ChatCompletionRequest"), ("/v1/images/generations", "ImageRequest"), ("/v1/inference_tasks", "RawTaskRequest"), ("/v1/responses", "ResponseRequest") })
        {
            var post = doc.GetProperty("paths").GetProperty(path).GetProperty("post");
            Assert.Contains(post.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "x-crynux-max-fee");
            Assert.True(post.GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("x-crynux-task-fee", out _), path);
            Assert.True(post.GetProperty("responses").TryGetProperty("402", out _), path);
            Assert.True(doc.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties").TryGetProperty("max_fee", out _), schema);
        }
    }
}
