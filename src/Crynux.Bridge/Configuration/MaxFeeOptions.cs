namespace Crynux.Bridge.Configuration;

/// <summary>
/// Fee ceilings in CNX per Relay task, per task type. Each default is twice the largest default fee of its type at the
/// largest task size the bridge sends (SDXL: 2 × 2 CNX × 10 images = 40; LLM 2 × 5; fine-tune 2 × 15): today's default fees
/// pass at every size, a client-given fee may bid about double the default, and never the thousands of CNX a raw task_fee
/// could name before.
/// </summary>
public sealed class MaxFeeOptions
{
    /// <summary>Stable Diffusion images (task_type 0), for the whole task: fee per image × num_images.</summary>
    public decimal Sd { get; set; } = 40m;
    /// <summary>LLM tasks (task_type 1).</summary>
    public decimal Llm { get; set; } = 10m;
    /// <summary>Stable Diffusion LoRA fine-tuning (task_type 2).</summary>
    [ConfigurationKeyName("sd_finetune")]
    public decimal SdFinetune { get; set; } = 30m;
}
