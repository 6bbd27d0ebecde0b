using System.Text.Json;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Api.ClientContracts;

/// <summary>/openapi.json describes every route of today's client contracts.</summary>
public sealed class OpenApiRoutesTests
{
    [Fact]
    public async Task Every_new_route_is_in_the_openapi_document()
    {
        await using var bridge = await TestBridge.StartAsync();
        using var document = JsonDocument.Parse(await bridge.Http.GetStringAsync(new Uri(bridge.BaseUrl, "openapi.json"), TestContext.Current.CancellationToken));
        var paths = document.RootElement.GetProperty("paths");
        (string Path, string Method)[] expected =
        [
            ("/v1/images", "post"), ("/v1/api_key", "post"), ("/v1/api_key/{client_id}", "delete"), ("/v1/api_key/{client_id}/role", "post"),
            ("/v1/inference_tasks/batch", "post"), ("/v1/inference_tasks/batch/status", "post"), ("/v1/inference_tasks/{client_task_id}", "get"),
            ("/v1/inference_tasks/{client_task_id}/images/{index}", "get"), ("/v1/inference_tasks/{client_task_id}/llm", "get"),
            ("/v1/openrouter/chat/completions", "post"), ("/v1/openrouter/completions", "post"), ("/v1/openrouter/models", "get"),
        ];
        foreach (var (path, method) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out _), $"{method} {path} is missing");
        }
    }
}
