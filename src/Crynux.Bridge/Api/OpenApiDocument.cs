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
            document.Info.Description = "OpenAI-compatible LLM and image APIs over the Crynux Network, API keys with roles and limits, and a raw task API. "
                + "Any Hugging Face model id (org/name) may be requested; the model catalog (GET /v1/models) comes from the Relay.";
            return Task.CompletedTask;
        });
    }
}
