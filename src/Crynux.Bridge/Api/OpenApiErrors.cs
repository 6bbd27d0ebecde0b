namespace Crynux.Bridge.Api;

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
