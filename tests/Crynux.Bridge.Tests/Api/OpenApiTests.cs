using System.Text.Json;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Api;

public sealed class OpenApiTests
{
    private static readonly string[] Routes =
    [
        "/v1/llm/chat/completions", "/v1/llm/completions", "/v1/chat/completions", "/v1/completions", "/v1/sd/images/generations",
        "/v1/images/generations", "/v1/api_key/{client_id}", "/v1/api_key/{client_id}/role", "/v1/api_key/{client_id}/use_limit",
        "/v1/api_key/{client_id}/rate_limit", "/v1/application/wallet/balance", "/v1/inference_tasks", "/v1/inference_tasks/{client_id}/{task_id}",
        "/v1/inference_tasks/{client_id}/{task_id}/images/{image_num}", "/v1/models/base", "/v1/models/lora", "/v1/network/nodes", "/v1/models",
        "/v1/count/task", "/healthz", "/readyz", "/metrics",
    ];

    [Fact]
    public async Task The_document_lists_every_route_with_request_and_response_schemas()
    {
        await using var bridge = await TestBridge.StartAsync();
        var text = await bridge.Http.GetStringAsync(new Uri(bridge.BaseUrl, "openapi.json"), TestContext.Current.CancellationToken);
        var doc = JsonDocument.Parse(text).RootElement;
        var paths = doc.GetProperty("paths");
        foreach (var route in Routes)
        {
            Assert.True(paths.TryGetProperty(route, out _), $"{route} is missing from /openapi.json");
        }
        var chat = paths.GetProperty("/v1/chat/completions").GetProperty("post");
        var request = chat.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        var properties = schemas.GetProperty(request.Split('/')[^1]).GetProperty("properties");
        foreach (var name in new[] { "model", "messages", "temperature", "max_tokens", "max_completion_tokens", "top_p", "top_k", "min_p",
                     "repetition_penalty", "frequency_penalty", "presence_penalty", "seed", "n", "stream", "stream_options", "stop", "tools" })
        {
            Assert.True(properties.TryGetProperty(name, out _), $"chat request schema lacks {name}");
        }
        Assert.True(chat.GetProperty("responses").TryGetProperty("200", out var ok) && ok.TryGetProperty("content", out _));
        Assert.True(chat.GetProperty("responses").TryGetProperty("429", out _));
        var image = paths.GetProperty("/v1/sd/images/generations").GetProperty("post").GetProperty("requestBody").GetRawText();
        Assert.Contains("ImageRequest", image, StringComparison.Ordinal);
        Assert.True(paths.GetProperty("/v1/api_key/{client_id}").GetProperty("post").TryGetProperty("requestBody", out _));
    }
}
