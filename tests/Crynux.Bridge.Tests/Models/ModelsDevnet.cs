using System.Net;
using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Models;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;

namespace Crynux.Bridge.Tests.Models;

/// <summary>A 2026 devnet whose hub knows the models of issue 15 and whose nodes hold them, and helpers to read what the Relay got.</summary>
internal static class ModelsDevnet
{
    /// <summary>The models a new user tries first (the mainnet release's and the docs' examples).</summary>
    public static readonly string[] IssueModels =
    [
        "Qwen/Qwen3.5-9B", "Qwen/Qwen3.6-27B", "Qwen/Qwen2.5-VL-3B-Instruct", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "NousResearch/Hermes-3-Llama-3.1-8B",
    ];

    /// <summary>An image model that is no alias: passed through with its default weights.</summary>
    public const string PlainSdModel = "stabilityai/stable-diffusion-2-1-base";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<TestBridge> StartAsync(Action<Configuration.BridgeOptions>? configure = null, int protocol = 2026, ulong gpuVram = 24) =>
        TestBridge.StartAsync(devnet: o =>
        {
            o.Protocol = protocol;
            o.Nodes.Clear();
            for (var i = 0; i < 2; i++)
            {
                var node = new NodeOptions { GpuVram = gpuVram };
                foreach (var model in IssueModels.Append(PlainSdModel))
                {
                    node.Models.Add("base:" + model.ToLowerInvariant());
                }
                o.Nodes.Add(node);
            }
            foreach (var model in IssueModels.Append(PlainSdModel))
            {
                o.Hub.Models.Add(model);
            }
        }, configure: configure);

    public static object Chat(string model, object? vram = null) => vram is null
        ? new { model, messages = new[] { new { role = "user", content = "hi" } } }
        : new { model, messages = new[] { new { role = "user", content = "hi" } }, vram_limit = vram };

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(TestBridge bridge, string path, object body, string? key = null)
    {
        using var response = await bridge.PostAsync(path, body, key);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body, string? Catalog)> GetAsync(TestBridge bridge, string path)
    {
        using var response = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, path), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var catalog = response.Headers.TryGetValues("x-crynux-catalog", out var values) ? values.Single() : null;
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), catalog);
    }

    /// <summary>The OpenAI error's param and code.</summary>
    public static (string? Param, string? Code) Error(JsonElement body)
    {
        var error = body.GetProperty("error");
        return (error.GetProperty("param").ValueKind == JsonValueKind.String ? error.GetProperty("param").GetString() : null,
            error.GetProperty("code").ValueKind == JsonValueKind.String ? error.GetProperty("code").GetString() : null);
    }

    public static Task RefreshCatalogAsync(TestBridge bridge) => bridge.Service<ModelCatalog>().RefreshAsync(Ct);

    public static async Task<long> UsedCountAsync(TestBridge bridge, string clientId) =>
        (await bridge.Service<ApiKeyStore>().FindByClientAsync(clientId, Ct))!.UsedCount;
}
