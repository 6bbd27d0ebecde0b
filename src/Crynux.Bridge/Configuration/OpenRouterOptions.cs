namespace Crynux.Bridge.Configuration;

public sealed class OpenRouterOptions
{
    /// <summary>
    /// A JSON array of the models listed on OpenRouter, served at GET /v1/openrouter/models; read and checked at start.
    /// Empty serves an empty list.
    /// </summary>
    [ConfigurationKeyName("models_file")]
    public string ModelsFile { get; set; } = "";
}
