namespace Crynux.Bridge.Configuration;

public sealed class TaskOptions
{
    [ConfigurationKeyName("default_task_version")]
    public string DefaultTaskVersion { get; set; } = "3.1.0";
    [ConfigurationKeyName("default_sd_task_fee_cnx")]
    public decimal DefaultSdTaskFeeCnx { get; set; } = 1.0m;
    [ConfigurationKeyName("default_sd_xl_task_fee_cnx")]
    public decimal DefaultSdXlTaskFeeCnx { get; set; } = 2.0m;
    [ConfigurationKeyName("default_llm_task_fee_cnx")]
    public decimal DefaultLlmTaskFeeCnx { get; set; } = 5.0m;
    [ConfigurationKeyName("default_sd_finetune_task_fee_cnx")]
    public decimal DefaultSdFinetuneTaskFeeCnx { get; set; } = 15.0m;
    [ConfigurationKeyName("default_llm_max_completion_tokens")]
    public int DefaultLlmMaxCompletionTokens { get; set; } = 3000;
    [ConfigurationKeyName("repeat_num")]
    public int RepeatNum { get; set; } = 1;
    /// <summary>The most one Relay task may cost the wallet (fee × task size), per task type, whoever chose the fee.</summary>
    [ConfigurationKeyName("max_fee_cnx")]
    public MaxFeeOptions MaxFeeCnx { get; set; } = new();
    /// <summary>The largest repeat_num a key without the admin role may ask for (admin keys: up to 10).</summary>
    [ConfigurationKeyName("max_repeat_num")]
    public int MaxRepeatNum { get; set; } = 1;
    /// <summary>auto: fees from the Relay's execution time × queue priority where it offers them; fixed: the default_*_task_fee_cnx.</summary>
    [ConfigurationKeyName("fee_mode")]
    public string FeeMode { get; set; } = "auto";
    /// <summary>Where an auto fee aims in the Relay's queue: median, max, or a position 0–100 (p75, p90, 75).</summary>
    [ConfigurationKeyName("fee_priority")]
    public string FeePriority { get; set; } = "median";
    /// <summary>The lowest priority an auto fee buys (GWei per VRAM-weighted node-second), also the one for an empty queue.</summary>
    [ConfigurationKeyName("fee_min_priority_gwei")]
    public long FeeMinPriorityGwei { get; set; } = 1;
    /// <summary>The Relay's task_pricing.base_vram (GB): VRAM demand is weighted by max(min_vram, this) / this.</summary>
    [ConfigurationKeyName("fee_base_vram")]
    public long FeeBaseVram { get; set; } = 8;
    /// <summary>How often the queue snapshot and the coefficients in use are fetched again.</summary>
    [ConfigurationKeyName("fee_refresh_seconds")]
    public int FeeRefreshSeconds { get; set; } = 60;
    /// <summary>Minutes a fine-tune round may run on its node (the Relay's timeout) when the request gives none.</summary>
    [ConfigurationKeyName("sd_finetune_timeout")]
    public int SdFinetuneTimeout { get; set; } = 120;
    /// <summary>The largest checkpoint ZIP a fine-tune request may upload; larger ones get 413.</summary>
    [ConfigurationKeyName("sd_finetune_max_checkpoint_bytes")]
    public long SdFinetuneMaxCheckpointBytes { get; set; } = 1L << 30;
    /// <summary>The most Relay tasks (rounds, retries included) one fine-tune job may create: its node decides when it is
    /// done, so this bounds what a job can cost.</summary>
    [ConfigurationKeyName("sd_finetune_max_rounds")]
    public int SdFinetuneMaxRounds { get; set; } = 20;
}
