using System.Net;
using static Crynux.Bridge.Tests.Models.ModelsDevnet;

namespace Crynux.Bridge.Tests.Models;

/// <summary>min_vram of the Relay task: the path's vram_limit, else the body's, else the catalog's, else 24.</summary>
public sealed class VramTests
{
    [Fact]
    public async Task The_vram_base_url_works_and_sets_min_vram_on_the_relay_task()
    {
        await using var bridge = await StartAsync();
        var (status, body) = await PostAsync(bridge, "v1/llm/24/chat/completions", Chat("Qwen/Qwen3.5-9B"));
        Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        Assert.Equal(24UL, bridge.Devnet.Control.GetTasks()[^1].MinVram);

        (status, body) = await PostAsync(bridge, "v1/llm/16/completions", new { model = "Qwen/Qwen3.5-9B", prompt = "hi" });
        Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        Assert.Equal(16UL, bridge.Devnet.Control.GetTasks()[^1].MinVram);

        // The body's vram_limit (the OpenAI SDK's extra_body) applies without a path value, and the path wins over it.
        (status, _) = await PostAsync(bridge, "v1/llm/chat/completions", Chat("Qwen/Qwen3.5-9B", vram: 20));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(20UL, bridge.Devnet.Control.GetTasks()[^1].MinVram);
        (status, _) = await PostAsync(bridge, "v1/llm/12/chat/completions", Chat("Qwen/Qwen3.5-9B", vram: 20));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(12UL, bridge.Devnet.Control.GetTasks()[^1].MinVram);
        (status, _) = await PostAsync(bridge, "v1/responses", new { model = "Qwen/Qwen3.5-9B", input = "hi", vram_limit = 18 });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(18UL, bridge.Devnet.Control.GetTasks()[^1].MinVram);
    }

    [Fact]
    public async Task Without_a_vram_limit_a_model_gets_the_catalogs_min_vram_and_24_when_the_catalog_does_not_know_it()
    {
        // Nodes of 40 GB: the Relay's catalog learns min_vram 40 from the first completed task.
        await using var bridge = await StartAsync(gpuVram: 40);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/chat/completions", Chat("Qwen/Qwen3.6-27B"))).Status);
        Assert.Equal(24UL, bridge.Devnet.Control.GetTasks()[^1].MinVram);
        await RefreshCatalogAsync(bridge);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/chat/completions", Chat("Qwen/Qwen3.6-27B"))).Status);
        Assert.Equal(40UL, bridge.Devnet.Control.GetTasks()[^1].MinVram);
        // Another model the catalog has not seen yet keeps upstream's default.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/chat/completions", Chat("Qwen/Qwen3.5-9B"))).Status);
        Assert.Equal(24UL, bridge.Devnet.Control.GetTasks()[^1].MinVram);
        // A request's vram_limit still wins over the catalog.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/llm/24/chat/completions", Chat("Qwen/Qwen3.6-27B"))).Status);
        Assert.Equal(24UL, bridge.Devnet.Control.GetTasks()[^1].MinVram);
    }

    [Fact]
    public async Task Literal_routes_win_over_vram_limit()
    {
        await using var bridge = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/llm/chat/completions", Chat("Qwen/Qwen3.5-9B"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/llm/completions", new { model = "Qwen/Qwen3.5-9B", prompt = "hi" })).Status);
        var (status, body, _) = await GetAsync(bridge, "v1/llm/models");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("list", body.GetProperty("object").GetString());
        (status, body, _) = await GetAsync(bridge, "v1/llm/24/models");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("list", body.GetProperty("object").GetString());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1e9")]
    [InlineData("1025")]
    [InlineData("99999999999999999999")]
    [InlineData("1.5")]
    [InlineData("%20")]
    public async Task A_bad_path_vram_limit_is_400_naming_it_and_admits_nothing(string vram)
    {
        await using var bridge = await StartAsync();
        foreach (var (path, body) in new (string, object)[]
                 {
                     ($"v1/llm/{vram}/chat/completions", Chat("Qwen/Qwen3.5-9B")),
                     ($"v1/llm/{vram}/completions", new { model = "Qwen/Qwen3.5-9B", prompt = "hi" }),
                 })
        {
            var (status, answer) = await PostAsync(bridge, path, body);
            Assert.True(status == HttpStatusCode.BadRequest, $"{path}: {status} {answer}");
            Assert.Equal("vram_limit", Error(answer).Param);
        }
        var (getStatus, getBody, _) = await GetAsync(bridge, $"v1/llm/{vram}/models");
        Assert.Equal(HttpStatusCode.BadRequest, getStatus);
        Assert.Equal("vram_limit", Error(getBody).Param);
        Assert.Empty(bridge.Devnet.Control.GetTasks());
        Assert.Equal(0, await UsedCountAsync(bridge, "0x" + new string('1', 40)));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("\"abc\"")]
    [InlineData("1e9")]
    [InlineData("1025")]
    [InlineData("1.5")]
    public async Task A_bad_body_vram_limit_is_400_naming_it_and_admits_nothing(string vram)
    {
        await using var bridge = await StartAsync();
        foreach (var path in new[] { "v1/chat/completions", "v1/llm/chat/completions", "v1/llm/24/chat/completions", "v1/responses" })
        {
            var body = path.EndsWith("responses", StringComparison.Ordinal)
                ? $$"""{"model":"Qwen/Qwen3.5-9B","input":"hi","vram_limit":{{vram}}}"""
                : $$"""{"model":"Qwen/Qwen3.5-9B","messages":[{"role":"user","content":"hi"}],"vram_limit":{{vram}}}""";
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge.BaseUrl, path)) { Content = content };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bridge.ApiKey);
            using var response = await bridge.Http.SendAsync(request, Ct);
            var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {response.StatusCode} {answer}");
            Assert.Equal("vram_limit", Error(answer).Param);
        }
        Assert.Empty(bridge.Devnet.Control.GetTasks());
    }
}
