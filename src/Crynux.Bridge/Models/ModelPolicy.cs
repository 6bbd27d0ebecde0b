using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Models;

/// <summary>
/// The operator's models.allow / models.deny: ids compared case-insensitively (the Relay lower-cases them too), or
/// prefixes ending in '*'. Deny wins; an empty allow list allows every model.
/// </summary>
public sealed class ModelPolicy(ModelsOptions options)
{
    private readonly string[] _allow = [.. options.Allow];
    private readonly string[] _deny = [.. options.Deny];

    /// <summary>Whether the bridge offers a model; an image alias is offered when either of its names is.</summary>
    public bool Allows(string requested, string? networkName = null) =>
        !Denied(requested) && (networkName is null || !Denied(networkName))
        && (_allow.Length == 0 || _allow.Any(p => Matches(p, requested)) || (networkName is not null && _allow.Any(p => Matches(p, networkName))));

    private bool Denied(string id) => _deny.Any(p => Matches(p, id));

    private static bool Matches(string pattern, string id) => pattern.EndsWith('*')
        ? id.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
        : id.Equals(pattern, StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the models section at start; a mistake stops the bridge with the key named.</summary>
    public static void Validate(ModelsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (key, list) in new[] { ("models.allow", options.Allow), ("models.deny", options.Deny) })
        {
            foreach (var pattern in list)
            {
                var id = pattern.EndsWith('*') ? pattern[..^1] : pattern;
                // A prefix may stop anywhere ("Qwen/*", "Qwen/Qwen3"), so only its characters are checked.
                if (id.Length == 0 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.')) || (pattern == id && ModelId.Check(id) is not null))
                {
                    throw new ConfigException(key, $"'{pattern}' is not a model id (org/name) or a prefix ending in '*'");
                }
            }
        }
        for (var i = 0; i < options.Extra.Count; i++)
        {
            var extra = options.Extra[i];
            if (ModelId.Check(extra.Id) is { } error)
            {
                throw new ConfigException($"models.extra[{i}].id", error.Replace("model ", "", StringComparison.Ordinal));
            }
            if (extra.Type is not ("llm" or "sd"))
            {
                throw new ConfigException($"models.extra[{i}].type", "must be llm or sd");
            }
            if (extra.MinVram is < 0 or > 1024)
            {
                throw new ConfigException($"models.extra[{i}].min_vram", "must be between 0 and 1024");
            }
        }
        if (options.CatalogRefreshSeconds is < 10 or > 86400)
        {
            throw new ConfigException("models.catalog_refresh_seconds", "must be between 10 and 86400");
        }
    }
}
