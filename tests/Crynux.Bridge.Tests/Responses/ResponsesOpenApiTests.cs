using System.Text.Json;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Responses;

public sealed class ResponsesOpenApiTests
{
    [Fact]
    public async Task The_document_lists_the_responses_routes_with_their_schemas()
    {
        await using var bridge = await TestBridge.StartAsync();
        var text = await bridge.Http.GetStringAsync(new Uri(bridge.BaseUrl, "openapi.json"), TestContext.Current.CancellationToken);
        var doc = JsonDocument.Parse(text).RootElement;
        var paths = doc.GetProperty("paths");
        foreach (var prefix in new[] { "/v1", "/v1/llm" })
        {
            Assert.True(paths.GetProperty(prefix + "/responses").TryGetProperty("post", out var post));
            Assert.True(paths.GetProperty(prefix + "/responses/{id}").TryGetProperty("get", out _));
            Assert.True(paths.GetProperty(prefix + "/responses/{id}").TryGetProperty("delete", out _));
            Assert.True(post.GetProperty("responses").TryGetProperty("404", out _));
        }
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        var request = schemas.GetProperty("ResponseRequest").GetProperty("properties");
        foreach (var field in new[] { "input", "instructions", "previous_response_id", "max_output_tokens", "tools", "tool_choice", "store", "metadata", "stream" })
        {
            Assert.True(request.TryGetProperty(field, out _), $"ResponseRequest.{field} is not documented");
        }
        Assert.True(schemas.GetProperty("ResponseObject").GetProperty("properties").TryGetProperty("output", out _));
    }
}
