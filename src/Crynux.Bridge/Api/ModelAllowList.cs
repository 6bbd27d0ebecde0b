using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;

namespace Crynux.Bridge.Api;

/// <summary>
/// A key's model allow-list: the base models (task_model_ids "base:…") its tasks may run. An entry matches a model id
/// exactly (case-insensitive) or without its variant ("+fp16"). A key without a list may use every model.
/// </summary>
public static class ModelAllowList
{
    public const int MaxEntries = 100;
    public const int MaxEntryLength = 255;

    /// <summary>Null when every base model of the task is allowed; else a 403 naming the first that is not.</summary>
    public static Problem? Check(TaskSpec spec, ApiKeyRow key)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(key);
        if (key.ModelList is not { } allowed)
        {
            return null;
        }
        foreach (var (id, plain) in spec.BaseModels)
        {
            if (!allowed.Any(a => string.Equals(a, id, StringComparison.OrdinalIgnoreCase) || string.Equals(a, plain, StringComparison.OrdinalIgnoreCase)))
            {
                return new Problem(403, "model", $"This API key may not use the model '{plain}'. Models allowed for it: {string.Join(", ", allowed)}.",
                    "permission_error", "model_not_allowed");
            }
        }
        return null;
    }
}
