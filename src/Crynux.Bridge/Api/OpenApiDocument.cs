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

/// <summary>The error responses each route family documents.</summary>
public static class OpenApiErrors
{
    public static RouteHandlerBuilder WithOpenAiErrors(this RouteHandlerBuilder builder) =>
        builder.Produces<Schemas.OpenAiError>(400).Produces<Schemas.OpenAiError>(401).Produces<Schemas.OpenAiError>(403)
            .Produces<Schemas.OpenAiError>(404).Produces<Schemas.OpenAiError>(429).Produces<Schemas.OpenAiError>(502)
            .Produces<Schemas.OpenAiError>(503).Produces<Schemas.OpenAiError>(504);

    public static RouteHandlerBuilder WithNativeErrors(this RouteHandlerBuilder builder) =>
        builder.Produces<Schemas.NativeError>(400).Produces<Schemas.NativeError>(401).Produces<Schemas.NativeError>(403)
            .Produces<Schemas.NativeError>(404).Produces<Schemas.NativeError>(429).Produces<Schemas.NativeError>(503);
}
