namespace Crynux.Bridge.Configuration;

/// <summary>A model the operator lists in the catalog (models.extra).</summary>
public sealed class ExtraModelOptions
{
    /// <summary>Hugging Face id, e.g. Qwen/Qwen2.5-7B-Instruct.</summary>
    public string Id { get; set; } = "";

    /// <summary>llm or sd.</summary>
    public string Type { get; set; } = "llm";

    /// <summary>The task's min_vram (GB) when a request names none; 0 = the Relay's value, else the default (LLM 24, image 10).</summary>
    [ConfigurationKeyName("min_vram")]
    public int MinVram { get; set; }
}
