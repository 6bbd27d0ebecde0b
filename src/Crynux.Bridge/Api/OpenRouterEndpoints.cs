using System.Text.Json.Nodes;
using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Api;

/// <summary>
/// The routes OpenRouter calls on a provider: chat and text completions (the LLM handlers, under /v1/openrouter) and the
/// published model list, which needs no key.
/// </summary>
public static class OpenRouterEndpoints
{
    public static void Map(IEndpointRouteBuilder app, BridgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Read at start: a file that is missing or malformed stops the bridge with the key named.
        var models = options.OpenRouter.ModelsFile.Length > 0 ? OpenRouterModels.Load(options.OpenRouter.ModelsFile) : [];
        var body = new JsonObject { ["data"] = models }.ToJsonString();
        app.MapGet("/v1/openrouter/models", () => Results.Text(body, "application/json"))
            .WithTags("OpenRouter").AddEndpointFilter(NativeErrors.OpenAiFilter)
            .WithSummary("The models listed on OpenRouter (openrouter.models_file); no API key needed")
            .Produces<Schemas.OpenRouterModelList>();
    }
}
