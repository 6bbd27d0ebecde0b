namespace Crynux.Bridge.Api;

/// <summary>Which error envelope a path's answers use: OpenAI's on the OpenAI-compatible routes, the product's elsewhere.</summary>
public static class RouteFamily
{
    private static readonly string[] OpenAiPrefixes = ["/v1/chat/", "/v1/completions", "/v1/llm/", "/v1/images/", "/v1/sd/", "/v1/responses", "/v1/openrouter/"];

    public static bool IsOpenAi(PathString path)
    {
        var value = path.Value ?? "";
        // The fine-tune routes are Crynux-native (the upstream bridge's envelope), though under /v1/images/.
        if (path.StartsWithSegments("/v1/images/models", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return value.Equals("/v1/models", StringComparison.OrdinalIgnoreCase) || value.Equals("/v1/models/", StringComparison.OrdinalIgnoreCase)
            || IsCatalogModel(value)
            || value.Equals("/v1/images", StringComparison.OrdinalIgnoreCase)
            || OpenAiPrefixes.Any(p => value.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>GET /v1/models/{model} (OpenAI's); /v1/models/base and /v1/models/lora are the product's own.</summary>
    private static bool IsCatalogModel(string value) => value.StartsWith("/v1/models/", StringComparison.OrdinalIgnoreCase)
        && !value.StartsWith("/v1/models/base", StringComparison.OrdinalIgnoreCase) && !value.StartsWith("/v1/models/lora", StringComparison.OrdinalIgnoreCase);

    /// <summary>The web pages answer in plain HTTP; everything else is an API with an envelope.</summary>
    public static bool IsPage(PathString path) => path.StartsWithSegments("/static", StringComparison.OrdinalIgnoreCase);
}
