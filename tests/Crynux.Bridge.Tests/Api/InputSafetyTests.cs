using System.Text;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Api;

/// <summary>
/// Issue items 2, 3 and 5: strings that are not Unicode, numbers no type holds and floats where integers go are 400s naming
/// the field on every route (never a 500), before any signature is checked or anything is spent.
/// </summary>
public sealed class InputSafetyTests : IAsyncLifetime
{
    private const string Client = "0x1111111111111111111111111111111111111111";
    private const string Llm = """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}]}""";

    private TestBridge _bridge = null!;

    public async ValueTask InitializeAsync() => _bridge = await TestBridge.StartAsync();

    public async ValueTask DisposeAsync() => await _bridge.DisposeAsync();

    /// <summary>Route, body with a {0} where the bad string goes, and the field the 400 must name.</summary>
    public static TheoryData<string, string, string> StringFields => new()
    {
        { "/v1/images/generations", """{"prompt":"{0}"}""", "prompt" },
        { "/v1/sd/images/generations", """{"prompt":"a fox","model":"{0}"}""", "model" },
        { "/v1/images/generations", """{"prompt":"a fox","negative_prompt":"{0}"}""", "negative_prompt" },
        { "/v1/images/generations", """{"prompt":"a fox","size":"{0}"}""", "size" },
        { "/v1/inference_tasks", """{"task_type":1,"task_args":"{0}"}""", "task_args" },
        { "/v1/inference_tasks", """{"task_type":1,"task_args":{"model":"{0}","messages":[]}}""", "task_args.model" },
        { "/v1/inference_tasks", """{"task_type":1,"task_args":{"model":"m","messages":[{"role":"user","content":"{0}"}]}}""", "task_args.messages[0].content" },
        { "/v1/inference_tasks", """{"task_type":1,"task_args":{"model":"m","messages":[],"{0}":1}}""", "task_args" },
        { "/v1/inference_tasks", """{"task_type":1,"task_args":{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}]},"task_version":"{0}"}""", "task_version" },
        { "/v1/inference_tasks", """{"task_type":1,"task_args":{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}]},"client_id":"{0}"}""", "client_id" },
        { "/v1/inference_tasks", """{"task_type":1,"task_args":{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}]},"required_gpu":"{0}"}""", "required_gpu" },
        { $"/v1/api_key/{Client}", """{"timestamp":1700000000,"signature":"{0}"}""", "signature" },
        { $"/v1/api_key/{Client}/role", """{"role":"{0}","timestamp":1700000000,"signature":"0x00"}""", "role" },
        { $"/v1/api_key/{Client}/use_limit", """{"use_limit":"{0}","timestamp":1700000000,"signature":"0x00"}""", "use_limit" },
        { $"/v1/api_key/{Client}/rate_limit", """{"rate_limit":5,"timestamp":"{0}","signature":"0x00"}""", "timestamp" },
        { "/v1/chat/completions", """{"model":"{0}","messages":[{"role":"user","content":"hi"}]}""", "model" },
    };

    [Theory]
    [MemberData(nameof(StringFields))]
    public async Task A_lone_surrogate_or_invalid_utf8_in_a_string_is_a_400_naming_the_field(string path, string template, string field)
    {
        var before = await SafetyChecks.SnapshotAsync(_bridge);
        var surrogate = Encoding.UTF8.GetBytes(template.Replace("{0}", SafetyChecks.Surrogate, StringComparison.Ordinal));
        var parts = template.Split("{0}");
        byte[] invalidUtf8 = [.. Encoding.UTF8.GetBytes(parts[0]), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes(parts[1])];
        foreach (var body in new[] { surrogate, invalidUtf8 })
        {
            foreach (var method in path.StartsWith("/v1/api_key/", StringComparison.Ordinal) && !path.EndsWith("limit", StringComparison.Ordinal) && !path.EndsWith("role", StringComparison.Ordinal)
                         ? new[] { HttpMethod.Post, HttpMethod.Delete } : [HttpMethod.Post])
            {
                var (status, text, _) = await SafetyChecks.SendAsync(_bridge, method, path, body, key: _bridge.ApiKey);
                Assert.True(status == 400, $"{method} {path} with {Encoding.UTF8.GetString(body)}: {status} {text}");
                Assert.Equal(field, SafetyChecks.AssertEnvelope(path, text, status));
            }
        }
        Assert.Equal(before, await SafetyChecks.SnapshotAsync(_bridge));
    }

    [Theory]
    [InlineData("1e30", "task_args.generation_config.max_new_tokens")]
    [InlineData("1e309", "task_args.generation_config.max_new_tokens")]
    [InlineData("-1e309", "task_args.generation_config.max_new_tokens")]
    [InlineData("1.5", "task_args")]
    public async Task A_number_outside_every_type_in_task_args_is_a_400_naming_its_path(string number, string field)
    {
        var before = await SafetyChecks.SnapshotAsync(_bridge);
        var (status, text, _) = await SafetyChecks.PostTextAsync(_bridge, "/v1/inference_tasks",
            """{"task_type":1,"task_args":{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}],"generation_config":{"max_new_tokens":""" + number + "}}}",
            _bridge.ApiKey);
        Assert.True(status == 400, text);
        Assert.Equal(field, SafetyChecks.AssertEnvelope("/v1/inference_tasks", text, status));
        Assert.Equal(before, await SafetyChecks.SnapshotAsync(_bridge));
    }

    [Theory]
    [InlineData("1e30", "task_type")]
    [InlineData("1e309", "task_fee")]
    [InlineData("-1e309", "repeat_num")]
    [InlineData("1.5", "min_vram")]
    [InlineData("\"x\"", "timeout")]
    public async Task A_huge_fractional_or_non_finite_number_in_a_top_level_field_is_a_400_naming_it(string number, string field)
    {
        var body = $$"""{"task_type":1,"task_args":{{Llm}},"{{field}}":{{number}}}""";
        var (status, text, _) = await SafetyChecks.PostTextAsync(_bridge, "/v1/inference_tasks", body, _bridge.ApiKey);
        Assert.True(status == 400, text);
        Assert.Equal(field, SafetyChecks.AssertEnvelope("/v1/inference_tasks", text, status));
    }

    [Fact]
    public async Task An_integral_float_counts_as_that_integer_on_every_route()
    {
        // Raw route: num_images 2.0 and task_type 0e0 run; the task_args sent on carry the integer.
        var sd = """{"base_model":{"name":"crynux-network/sdxl-turbo","variant":"fp16"},"prompt":"a fox","task_config":{"image_width":256,"image_height":256,"steps":1,"seed":7,"num_images":2.0,"safety_checker":false,"cfg":0}}""";
        var (status, text, _) = await SafetyChecks.PostTextAsync(_bridge, "/v1/inference_tasks", $$"""{"task_type":0e0,"task_args":{{sd}}}""", _bridge.ApiKey);
        Assert.True(status == 200, text);
        var id = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("id").GetInt64();
        var done = await _bridge.WaitAsync(id);
        Assert.Equal(ClientTaskStatus.Success, done.Status);
        var member = (await _bridge.Service<TaskStore>().GetMembersAsync(id, TestContext.Current.CancellationToken))[0];
        Assert.Contains("\"num_images\":2,", member.TaskArgs, StringComparison.Ordinal);
        Assert.Equal(2, member.TaskSize);

        // Image route n, LLM route max_tokens: the same rule.
        (status, text, _) = await SafetyChecks.PostTextAsync(_bridge, "/v1/images/generations", """{"prompt":"a fox","n":1.0,"size":"256x256"}""", _bridge.ApiKey);
        Assert.True(status == 200, text);
        (status, text, _) = await SafetyChecks.PostTextAsync(_bridge, "/v1/chat/completions",
            """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}],"max_tokens":8.0}""", _bridge.ApiKey);
        Assert.True(status == 200, text);
        (status, text, _) = await SafetyChecks.PostTextAsync(_bridge, "/v1/images/generations", """{"prompt":"a fox","n":1.5}""", _bridge.ApiKey);
        Assert.Equal(400, status);
        Assert.Equal("n", SafetyChecks.AssertEnvelope("/v1/images/generations", text, status));
    }

    [Fact]
    public async Task The_api_key_routes_read_the_body_before_the_signature_and_spend_no_signature_on_a_bad_body()
    {
        var before = await SafetyChecks.SnapshotAsync(_bridge);
        // Anyone may call these routes: with no key, a bad body is still a 400 naming the field, not a 500.
        var (status, text, _) = await SafetyChecks.PostTextAsync(_bridge, $"/v1/api_key/{Client}/use_limit", """{"use_limit":1e309,"timestamp":1,"signature":"0x00"}""");
        Assert.Equal(400, status);
        Assert.Equal("use_limit", SafetyChecks.AssertEnvelope($"/v1/api_key/{Client}/use_limit", text, status));
        (status, text, _) = await SafetyChecks.PostTextAsync(_bridge, $"/v1/api_key/{Client}/role", """{"role":"chat","timestamp":1e400,"signature":"0x00"}""");
        Assert.Equal(400, status);
        Assert.Equal("timestamp", SafetyChecks.AssertEnvelope($"/v1/api_key/{Client}/role", text, status));
        Assert.Equal(before, await SafetyChecks.SnapshotAsync(_bridge));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e400")]
    public async Task Count_task_refuses_a_duration_that_is_not_a_finite_number(string duration)
    {
        var (status, text, _) = await SafetyChecks.SendAsync(_bridge, HttpMethod.Get, $"/v1/count/task?duration={duration}", null);
        Assert.Equal(400, status);
        Assert.Equal("duration", SafetyChecks.AssertEnvelope("/v1/count/task", text, status));
    }

    [Fact]
    public async Task A_malformed_chunked_body_is_a_400_in_the_envelope_without_an_unhandled_exception()
    {
        foreach (var path in new[] { "/v1/inference_tasks", "/v1/chat/completions", $"/v1/api_key/{Client}/role" })
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync("127.0.0.1", _bridge.Options.Http.Port, TestContext.Current.CancellationToken);
            await using var stream = client.GetStream();
            var request = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {_bridge.ApiKey}\r\nContent-Type: application/json\r\n" +
                          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{\"a\":1}\r\n0\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), TestContext.Current.CancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var answer = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
            Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
            var body = answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
            if (answer.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
            {
                body = Dechunk(body);
            }
            SafetyChecks.AssertEnvelope(path, body, 400);
        }
        var metrics = await _bridge.Http.GetStringAsync(new Uri(_bridge.BaseUrl, "metrics"), TestContext.Current.CancellationToken);
        Assert.DoesNotContain("status=\"500\"", metrics, StringComparison.Ordinal);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var rest = chunked;
        while (rest.Length > 0)
        {
            var end = rest.IndexOf("\r\n", StringComparison.Ordinal);
            var size = Convert.ToInt32(rest[..end], 16);
            if (size == 0)
            {
                break;
            }
            result.Append(rest.AsSpan(end + 2, size));
            rest = rest[(end + 2 + size + 2)..];
        }
        return result.ToString();
    }
}
