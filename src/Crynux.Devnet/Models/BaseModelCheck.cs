using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Models;

/// <summary>
/// The 2026 Relay's base-model check at create: every base: model must be on some node's disk or known to the hub
/// (for SD with its variant's weights). A permanent failure text starts "invalid base model" and holds a newline.
/// </summary>
internal sealed class BaseModelCheck(ModelHubOptions options)
{
    public const string Unavailable = "base model check temporarily unavailable";

    private readonly Lock _gate = new();

    // A copy: run-time changes stay with this devnet, not with the caller's options object.
    private readonly ModelHubOptions _hub = new() { Models = [.. options.Models], ForcedStatus = options.ForcedStatus };

    /// <summary>Null when every base model passes; else (permanent, error text).</summary>
    public (bool Permanent, string Error)? Check(IEnumerable<string> lowerCaseModelIds, TaskType type, Func<string, bool> onSomeNode)
    {
        foreach (var id in lowerCaseModelIds.Where(m => m.StartsWith("base:", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
        {
            var full = id["base:".Length..];
            var plus = full.IndexOf('+', StringComparison.Ordinal);
            var (name, variant) = plus < 0 ? (full, "") : (full[..plus], full[(plus + 1)..]);
            if (name.Length == 0 || name.StartsWith("http://", StringComparison.Ordinal) || name.StartsWith("https://", StringComparison.Ordinal)
                || onSomeNode(id))
            {
                continue;
            }
            var hubError = Lookup(name, variant, type == TaskType.Llm);
            if (hubError is null)
            {
                continue;
            }
            return hubError == Unavailable ? (false, Unavailable) : (true, "invalid base model\n" + hubError);
        }
        return null;
    }

    public IReadOnlyList<string> Models
    {
        get { lock (_gate) { return [.. _hub.Models]; } }
    }

    public int? ForcedStatus
    {
        get { lock (_gate) { return _hub.ForcedStatus; } }
        set { lock (_gate) { _hub.ForcedStatus = value; } }
    }

    public void AddModel(string model)
    {
        lock (_gate)
        {
            _hub.Models.Add(model);
        }
    }

    /// <summary>The hub's answer: null = usable, <see cref="Unavailable"/>, or the hub client's error text.</summary>
    private string? Lookup(string name, string variant, bool llm)
    {
        lock (_gate)
        {
            if (_hub.ForcedStatus is { } status)
            {
                return status switch
                {
                    >= 500 => Unavailable,
                    401 or 403 or 404 => "huggingface model not found",
                    < 300 => null,
                    _ => $"huggingface model not found: unexpected status {status}",
                };
            }
            var known = _hub.Models.Select(m => m.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            if (known.Contains("*"))
            {
                return null;
            }
            var repositoryExists = known.Contains(name) || known.Any(m => m.StartsWith(name + "+", StringComparison.Ordinal));
            if (!repositoryExists)
            {
                return "huggingface model not found";
            }
            if (llm)
            {
                return null;
            }
            return known.Contains(variant.Length == 0 ? name : name + "+" + variant) ? null : "huggingface model variant unavailable";
        }
    }
}
