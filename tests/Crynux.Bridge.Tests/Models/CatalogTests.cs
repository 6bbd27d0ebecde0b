using System.ClientModel;
using System.Net;
using System.Text.Json;
using Crynux.Bridge.Configuration;
using Crynux.Devnet;
using OpenAI;
using OpenAI.Models;
using static Crynux.Bridge.Tests.Models.ModelsDevnet;

namespace Crynux.Bridge.Tests.Models;

/// <summary>The model catalog: the Relay's /v2/loaded-models, merged with models.extra and the image aliases.</summary>
public sealed class CatalogTests
{
    private static async Task RunAsync(Support.TestBridge bridge)
    {
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/chat/completions", Chat("Qwen/Qwen3.5-9B"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/images/generations", new { model = PlainSdModel, prompt = "a fox", size = "256x256" })).Status);
        await RefreshCatalogAsync(bridge);
    }

    private static JsonElement Item(JsonElement list, string id) =>
        list.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);

    private static string[] Ids(JsonElement list) => [.. list.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];

    [Fact]
    public async Task The_catalog_lists_the_relays_models_with_min_vram_and_node_counts_by_type()
    {
        await using var bridge = await StartAsync(o => o.Models.Extra.Add(new ExtraModelOptions { Id = "Org/Configured-LLM", Type = "llm", MinVram = 48 }));
        await RunAsync(bridge);

        var (status, all, source) = await GetAsync(bridge, "v1/models");
        Assert.Equal((HttpStatusCode.OK, "relay"), (status, source));
        var qwen = Item(all, "qwen/qwen3.5-9b");
        Assert.Equal(("model", "crynux", "llm", 24L), (qwen.GetProperty("object").GetString(), qwen.GetProperty("owned_by").GetString(),
            qwen.GetProperty("type").GetString(), qwen.GetProperty("min_vram").GetInt64()));
        Assert.Equal(2, qwen.GetProperty("on_disk_node_count").GetInt32());
        Assert.Equal("relay", qwen.GetProperty("source").GetString());
        var configured = Item(all, "Org/Configured-LLM");
        Assert.Equal((48L, "config", JsonValueKind.Null), (configured.GetProperty("min_vram").GetInt64(), configured.GetProperty("source").GetString(),
            configured.GetProperty("on_disk_node_count").ValueKind));
        var alias = Item(all, "stabilityai/sdxl-turbo");
        Assert.Equal(("sd", 14L, "crynux-network/sdxl-turbo"), (alias.GetProperty("type").GetString(), alias.GetProperty("min_vram").GetInt64(),
            alias.GetProperty("alias_of").GetString()));

        var (_, llm, _) = await GetAsync(bridge, "v1/llm/models");
        Assert.Contains("qwen/qwen3.5-9b", Ids(llm));
        Assert.Contains("Org/Configured-LLM", Ids(llm));
        Assert.DoesNotContain(PlainSdModel, Ids(llm));
        Assert.All(llm.GetProperty("data").EnumerateArray(), m => Assert.Equal("llm", m.GetProperty("type").GetString()));
        var (_, sd, _) = await GetAsync(bridge, "v1/sd/models");
        Assert.Contains(PlainSdModel, Ids(sd));
        Assert.Contains("crynux-ai/sdxl-turbo", Ids(sd));
        Assert.All(sd.GetProperty("data").EnumerateArray(), m => Assert.Equal("sd", m.GetProperty("type").GetString()));

        // One model by id: ids hold a '/', any case, escaped or not; /v1/models/base keeps its own shape.
        foreach (var path in new[] { "v1/models/Qwen/Qwen3.5-9B", "v1/models/qwen%2Fqwen3.5-9b", "v1/llm/models/qwen/qwen3.5-9b" })
        {
            var (one, model, _) = await GetAsync(bridge, path);
            Assert.True(one == HttpStatusCode.OK, $"{path}: {one} {model}");
            Assert.Equal("qwen/qwen3.5-9b", model.GetProperty("id").GetString());
        }
        var (notThere, missing, _) = await GetAsync(bridge, "v1/sd/models/qwen/qwen3.5-9b");
        Assert.Equal((HttpStatusCode.NotFound, "model_not_found"), (notThere, Error(missing).Code));
        var (bad, badBody, _) = await GetAsync(bridge, "v1/models/" + new string('a', 300) + "/x");
        Assert.Equal((HttpStatusCode.BadRequest, "model"), (bad, Error(badBody).Param));
        var (baseStatus, baseModels, _) = await GetAsync(bridge, "v1/models/base");
        Assert.Equal((HttpStatusCode.OK, "success"), (baseStatus, baseModels.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("v1/", "qwen/qwen3.5-9b", true)]
    [InlineData("v1/llm/", "qwen/qwen3.5-9b", true)]
    [InlineData("v1/sd/", PlainSdModel, false)]
    public async Task The_openai_sdk_lists_models_at_each_base_url(string baseUrl, string expected, bool llm)
    {
        await using var bridge = await StartAsync();
        await RunAsync(bridge);
        var client = new OpenAIModelClient(new ApiKeyCredential(bridge.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(bridge.BaseUrl, baseUrl) });
        OpenAIModelCollection models = await client.GetModelsAsync(Ct);
        var ids = models.Select(m => m.Id).ToList();
        Assert.Contains(expected, ids);
        Assert.Equal(llm || baseUrl == "v1/", ids.Contains("qwen/qwen3.5-9b"));
        Assert.Equal(!llm || baseUrl == "v1/", ids.Contains("crynux-ai/sdxl-turbo"));
        OpenAIModel one = await client.GetModelAsync(expected, Ct);
        Assert.Equal(expected, one.Id);
    }

    [Fact]
    public async Task The_catalog_is_served_stale_while_the_relay_is_down_and_fresh_again_after()
    {
        await using var bridge = await StartAsync();
        await RunAsync(bridge);
        bridge.Devnet.Control.AddFault(new FaultRule { Route = "any", Kind = FaultKind.Status, StatusCode = 502, Count = 0 });
        await RefreshCatalogAsync(bridge);
        var (status, stale, source) = await GetAsync(bridge, "v1/models");
        Assert.Equal((HttpStatusCode.OK, "relay-stale"), (status, source));
        Assert.Contains("qwen/qwen3.5-9b", Ids(stale));
        Assert.True(bridge.Devnet.Control.FaultHits > 0);

        bridge.Devnet.Control.ClearFaults();
        await RefreshCatalogAsync(bridge);
        (_, _, source) = await GetAsync(bridge, "v1/models");
        Assert.Equal("relay", source);
    }

    [Fact]
    public async Task A_2025_relay_without_the_catalog_route_serves_the_configured_list_and_still_gets_any_model()
    {
        await using var bridge = await StartAsync(o => o.Models.Extra.Add(new ExtraModelOptions { Id = "Qwen/Qwen3.5-9B", MinVram = 20 }), protocol: 2025);
        await RefreshCatalogAsync(bridge);
        var (status, list, source) = await GetAsync(bridge, "v1/llm/models");
        Assert.Equal((HttpStatusCode.OK, "config"), (status, source));
        Assert.Equal(["Qwen/Qwen3.5-9B"], Ids(list));
        // No base-model check on the old Relay: the request is sent, with the configured min_vram.
        var (chat, body) = await PostAsync(bridge, "v1/chat/completions", Chat("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"));
        Assert.True(chat == HttpStatusCode.OK, $"{chat} {body}");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(bridge, "v1/chat/completions", Chat("Qwen/Qwen3.5-9B"))).Status);
        Assert.Equal(20UL, bridge.Devnet.Control.GetTasks()[^1].MinVram);
    }
}
