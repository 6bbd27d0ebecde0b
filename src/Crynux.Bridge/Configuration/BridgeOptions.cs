namespace Crynux.Bridge.Configuration;

/// <summary>The bridge's configuration: the product's config.yml keys (snake_case), bound from YAML, environment and flags.</summary>
public sealed class BridgeOptions
{
    public string Environment { get; set; } = "release";
    public DbOptions Db { get; set; } = new();
    public LogOptions Log { get; set; } = new();
    public HttpOptions Http { get; set; } = new();
    [ConfigurationKeyName("data_dir")]
    public DataDirOptions DataDir { get; set; } = new();
    public BlockchainOptions Blockchain { get; set; } = new();
    public RelayOptions Relay { get; set; } = new();
    public TaskOptions Task { get; set; } = new();
    public ApiOptions Api { get; set; } = new();
    public RedisOptions Redis { get; set; } = new();
    public EngineOptions Engine { get; set; } = new();
    public OpenRouterOptions OpenRouter { get; set; } = new();
    public ModelsOptions Models { get; set; } = new();
    public OtelOptions Otel { get; set; } = new();
    public AdminOptions Admin { get; set; } = new();
}

public sealed class DbOptions
{
    /// <summary>sqlite, mysql or postgres.</summary>
    public string Driver { get; set; } = "sqlite";

    /// <summary>sqlite: a file path or an ADO.NET string; mysql: a Go DSN or an ADO.NET string; postgres: an ADO.NET string or URL.</summary>
    public string Connection { get; set; } = "";

    public LogOptions Log { get; set; } = new();
}

public sealed class LogOptions
{
    public string Level { get; set; } = "info";
    public string Output { get; set; } = "";
    [ConfigurationKeyName("max_file_size")]
    public int MaxFileSize { get; set; } = 100;
    [ConfigurationKeyName("max_days")]
    public int MaxDays { get; set; } = 30;
    [ConfigurationKeyName("max_file_num")]
    public int MaxFileNum { get; set; } = 5;
    public LogFeatureOptions Features { get; set; } = new();
}

public sealed class HttpOptions
{
    public string Host { get; set; } = "0.0.0.0";
    public int Port { get; set; } = 5028;
    [ConfigurationKeyName("max_body_bytes")]
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;
}

public sealed class DataDirOptions
{
    [ConfigurationKeyName("inference_tasks")]
    public string InferenceTasks { get; set; } = "data/inference_tasks";
    [ConfigurationKeyName("inference_tasks_retention_days")]
    public int InferenceTasksRetentionDays { get; set; } = 30;
}

public sealed class BlockchainOptions
{
    public AccountOptions Account { get; set; } = new();
}

public sealed class AccountOptions
{
    public string Address { get; set; } = "";
    [ConfigurationKeyName("private_key")]
    public string PrivateKey { get; set; } = "";
    [ConfigurationKeyName("private_key_file")]
    public string PrivateKeyFile { get; set; } = "";
}

public sealed class RelayOptions
{
    /// <summary>Use a 2026 Relay's batch routes (create, status, validate, abort) where it serves them; false keeps every
    /// call on the single routes.</summary>
    [ConfigurationKeyName("batch_routes")]
    public bool BatchRoutes { get; set; } = true;
    [ConfigurationKeyName("base_url")]
    public string BaseUrl { get; set; } = "https://relay.crynux.io";
    [ConfigurationKeyName("timeout_seconds")]
    public int TimeoutSeconds { get; set; } = 30;
    [ConfigurationKeyName("events_poll_interval_ms")]
    public int EventsPollIntervalMs { get; set; } = 200;
    /// <summary>The poll period for a second after the bridge acted (created, validated): the next state change is expected soon.</summary>
    [ConfigurationKeyName("events_fast_poll_interval_ms")]
    public int EventsFastPollIntervalMs { get; set; } = 20;
    [ConfigurationKeyName("reconcile_interval_seconds")]
    public int ReconcileIntervalSeconds { get; set; } = 60;
    [ConfigurationKeyName("max_attempts")]
    public int MaxAttempts { get; set; } = 3;
    /// <summary>The most bytes one task's whole result may take, downloaded and unpacked: a bound against ZIP bombs.</summary>
    [ConfigurationKeyName("max_result_bytes")]
    public long MaxResultBytes { get; set; } = 256L * 1024 * 1024;
}

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

public sealed class ApiOptions
{
    [ConfigurationKeyName("keep_alive_seconds")]
    public int KeepAliveSeconds { get; set; } = 15;
    [ConfigurationKeyName("api_key_lifetime_days")]
    public int ApiKeyLifetimeDays { get; set; } = 365;
    [ConfigurationKeyName("default_use_limit")]
    public long DefaultUseLimit { get; set; } = 20;
    [ConfigurationKeyName("default_rate_limit")]
    public long DefaultRateLimit { get; set; } = 60;
    /// <summary>Base of image URLs (response_format=url) and an origin the pages may call; empty means relative URLs.</summary>
    [ConfigurationKeyName("public_base_url")]
    public string PublicBaseUrl { get; set; } = "";
}

public sealed class RedisOptions
{
    /// <summary>StackExchange.Redis configuration string; empty keeps rate limits in memory (per instance).</summary>
    public string Connection { get; set; } = "";
}

public sealed class OtelOptions
{
    /// <summary>OTLP collector endpoint for metrics and traces; empty exports nothing over OTLP (/metrics is always served).</summary>
    public string Endpoint { get; set; } = "";
    /// <summary>"grpc" (the endpoint is the collector's address) or "http/protobuf" (the endpoint is the base of /v1/metrics and /v1/traces).</summary>
    public string Protocol { get; set; } = "grpc";
}

public sealed class EngineOptions
{
    /// <summary>Names this instance in task leases; empty means the host name. Instances sharing a database need distinct ids.</summary>
    [ConfigurationKeyName("instance_id")]
    public string InstanceId { get; set; } = "";
    [ConfigurationKeyName("lease_seconds")]
    public int LeaseSeconds { get; set; } = 60;
    public int Workers { get; set; } = 16;
    /// <summary>Original tasks of one kind (models and GPU) this instance keeps queued at the Relay at once; the rest wait here.</summary>
    [ConfigurationKeyName("relay_queue_limit")]
    public int RelayQueueLimit { get; set; } = 256;
}
