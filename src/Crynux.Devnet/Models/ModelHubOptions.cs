namespace Crynux.Devnet;

/// <summary>
/// The devnet's stand-in for the Hugging Face Hub, asked by the 2026 base-model check about models that are on no
/// node's disk. Changeable at run time through <see cref="DevnetControl"/> and POST /devnet/hub.
/// </summary>
public sealed class ModelHubOptions
{
    /// <summary>
    /// Repositories the hub knows, any case: "org/name" has default weights (usable without a variant),
    /// "org/name+variant" has that variant's weights; "*" knows every model. LLM checks only need the repository.
    /// </summary>
    public IList<string> Models { get; init; } = [.. DefaultModels];

    /// <summary>
    /// When set, the hub answers every lookup with this HTTP status instead of looking in <see cref="Models"/>:
    /// 5xx = unavailable (a temporary error), 401/403/404 = not found, any other = "unexpected status".
    /// </summary>
    public int? ForcedStatus { get; set; }

    /// <summary>The node default models, SD ones also with their fp16 variant.</summary>
    public static IReadOnlyList<string> DefaultModels { get; } =
    [
        .. NodeOptions.DefaultModels.Select(m => m["base:".Length..]),
        .. NodeOptions.DefaultModels.Where(m => !m.Contains("qwen", StringComparison.Ordinal) && !m.Contains("llama", StringComparison.Ordinal))
            .Select(m => m["base:".Length..] + "+fp16"),
    ];
}
