using System.Net;
using Crynux.Bridge.Llm;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.OperatorConsole;

/// <summary>The LLM request log option: off by default; on, one redacted line per request in upstream's files.</summary>
public sealed class LlmRequestLogTests
{
    [Fact]
    public void Keys_are_shortened_long_texts_cut_and_tools_counted()
    {
        Assert.Equal("sk-a...wxyz", LlmLogRedaction.Key("sk-abcdefghijklmnopqrstuvwxyz"));
        Assert.Equal("ab****yz", LlmLogRedaction.Key("abcdefwxyz"));
        Assert.Equal("****", LlmLogRedaction.Key("abcd"));
        var long300 = string.Concat(Enumerable.Range(0, 300).Select(i => i < 150 ? "字" : "x"));
        var cut = LlmLogRedaction.Cut(long300);
        Assert.Equal(new string('字', 100) + "..." + new string('x', 100), cut);
        Assert.Equal(new string('y', 200), LlmLogRedaction.Cut(new string('y', 200)));
        var request = System.Text.Json.Nodes.JsonNode.Parse($$"""{"prompt":"{{long300}}","messages":[{"role":"user","content":"{{long300}}"},{"content":[{"type":"text","text":"{{long300}}"}]}],"tools":[{},{}]}""");
        var redacted = LlmLogRedaction.Request(request)!.ToJsonString();
        Assert.DoesNotContain(long300, redacted, StringComparison.Ordinal);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(redacted, @"\.\.\."));
        Assert.Contains("\"tools_count\":2", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("\"tools\"", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_requests_are_logged_one_line_each_with_the_key_and_long_prompts_redacted()
    {
        var logs = Directory.CreateTempSubdirectory("crynux-llm-log-").FullName;
        await using var bridge = await TestBridge.StartAsync(configure: o =>
        {
            o.Log.Output = Path.Combine(logs, "crynux_bridge.log");
            o.Log.Features.LlmApiRequestLogEnabled = true;
            o.Log.Features.LlmApiRequestLogToolcallEnabled = true;
        });
        var prompt = "Tell me\nabout " + new string('a', 400) + " the end";
        using (var ok = await bridge.PostAsync("v1/llm/chat/completions", new
        {
            model = "Qwen/Qwen2.5-7B",
            messages = new[] { new { role = "user", content = prompt } },
            tools = new[] { new { type = "function", function = new { name = "get_weather", parameters = new { type = "object" } } } },
        }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var bad = await bridge.PostAsync("v1/completions", new { model = "Qwen/Qwen2.5-7B", prompt = "hi", max_tokens = -5 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        await bridge.StopBridgeAsync(); // flushes and closes the files

        var info = await File.ReadAllTextAsync(Path.Combine(logs, LlmRequestLog.InfoFile), TestContext.Current.CancellationToken);
        var entries = info.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var entry = Assert.Single(entries).TrimEnd('\n');
        Assert.DoesNotContain('\n', entry);
        Assert.Matches(@"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] \[INFO\] \[LLM API Request\] \[chat completions\] \[API Key [^\]]{4}\.\.\.[^\]]{4}\] \[Task ID Commitment: 0x[0-9a-f]{64}\] duration_seconds=\d+\.\d{3}, request=\{""request"":", entry);
        Assert.Contains($"[API Key {bridge.ApiKey[..4]}...{bridge.ApiKey[^4..]}]", entry, StringComparison.Ordinal);
        Assert.DoesNotContain(bridge.ApiKey, entry, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('a', 300), entry, StringComparison.Ordinal);
        Assert.Contains("Tell me\\nabout " + new string('a', 86) + "...", entry, StringComparison.Ordinal);
        Assert.Contains("\"tools_count\":1", entry, StringComparison.Ordinal);
        Assert.Contains("\"path_vram_limit\":\"\"", entry, StringComparison.Ordinal);
        Assert.Contains(", response={\"id\":\"chatcmpl-", entry, StringComparison.Ordinal);

        var error = await File.ReadAllTextAsync(Path.Combine(logs, LlmRequestLog.ErrorFile), TestContext.Current.CancellationToken);
        Assert.Contains("[ERROR] [LLM API Request] [completions]", error, StringComparison.Ordinal);
        Assert.Contains(", error=validation_error(field=max_tokens, message=", error, StringComparison.Ordinal);

        var toolFiles = new[] { LlmRequestLog.ToolCallInfoFile, LlmRequestLog.ToolCallErrorFile }.Select(f => Path.Combine(logs, f)).Where(File.Exists)
            .Select(File.ReadAllText).Where(t => t.Length > 0).ToList();
        var toolEntry = Assert.Single(toolFiles);
        Assert.Contains("[LLM API Request Tool Call] [chat completions]", toolEntry, StringComparison.Ordinal);
        Assert.Matches("tool_call_matched=(true|false)", toolEntry);
        Directory.Delete(logs, recursive: true);
    }

    [Fact]
    public async Task The_log_is_off_by_default()
    {
        var logs = Directory.CreateTempSubdirectory("crynux-llm-log-").FullName;
        await using var bridge = await TestBridge.StartAsync(configure: o => o.Log.Output = Path.Combine(logs, "crynux_bridge.log"));
        using (var ok = await bridge.PostAsync("v1/chat/completions", new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "hi" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        Assert.False(File.Exists(Path.Combine(logs, LlmRequestLog.InfoFile)));
        await bridge.StopBridgeAsync();
        Directory.Delete(logs, recursive: true);
    }
}
