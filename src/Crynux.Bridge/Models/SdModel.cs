namespace Crynux.Bridge.Models;

/// <summary>An image model's network name, weights variant (null = the default weights) and the settings that suit it (docs/api.md §7).</summary>
public sealed record SdModel(string NetworkName, string Family, int Steps, double Cfg, ulong MinVram, int MaxSide, bool Turbo, string? Variant = "fp16")
{
    /// <summary>The task_model_ids entry: "base:name+variant", or "base:name" for the default weights.</summary>
    public string ModelId => Variant is null ? $"base:{NetworkName}" : $"base:{NetworkName}+{Variant}";
}
