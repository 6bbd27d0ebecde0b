using Microsoft.AspNetCore.OpenApi;

namespace Crynux.Bridge.Api;

/// <summary>The /openapi.json document's title and description.</summary>
public static class OpenApiDocument
{
    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Crynux Bridge";
            document.Info.Version = "1.0.0";
            document.Info.Description = "OpenAI-compatible LLM and image APIs over the Crynux Network, API keys with roles and limits, and a raw task API.";
            return Task.CompletedTask;
        });
    }
}
