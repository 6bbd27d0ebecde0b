using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Crynux.Bridge.Configuration;

/// <summary>
/// Layers config.yml (from --config, ./config/config.yml or /app/config/config.yml), then CRYNUX_BRIDGE_* environment
/// variables (SECTION__KEY), then command-line flags (--section:key=value), and validates the result.
/// </summary>
public static class ConfigLoader
{
    public const string EnvironmentPrefix = "CRYNUX_BRIDGE_";

    public static readonly string[] DefaultPaths = ["config/config.yml", "/app/config/config.yml"];

    /// <summary>Finds the config file: an explicit path must exist; otherwise the first default that exists, or none.</summary>
    public static string? FindConfigFile(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath) ? explicitPath : throw new ConfigException("--config", $"file '{explicitPath}' does not exist");
        }
        return DefaultPaths.FirstOrDefault(File.Exists);
    }

    public static void AddSources(IConfigurationBuilder builder, string? configFile, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (configFile is not null)
        {
            builder.AddInMemoryCollection(ReadYaml(configFile));
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddCommandLine(args.Where(a => a.Contains(':', StringComparison.Ordinal) && a.StartsWith("--", StringComparison.Ordinal)).ToArray());
    }

    public static BridgeOptions Bind(IConfiguration configuration)
    {
        var options = new BridgeOptions();
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the key and value it could not convert.
            throw new ConfigException("config", e.Message, e);
        }
        Validate(options);
        return options;
    }

    /// <summary>Flattens a YAML mapping into configuration keys ("db:log:level").</summary>
    public static Dictionary<string, string?> ReadYaml(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ConfigException(path, $"is not valid YAML: {e.Message}", e);
        }
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
        {
            Flatten(root, "", result);
        }
        return result;
    }

    private static void Flatten(YamlNode node, string prefix, Dictionary<string, string?> result)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    Flatten(value, prefix.Length == 0 ? name : prefix + ":" + name, result);
                }
                break;
            case YamlSequenceNode list:
                for (var i = 0; i < list.Children.Count; i++)
                {
                    Flatten(list.Children[i], prefix + ":" + i.ToString(CultureInfo.InvariantCulture), result);
                }
                break;
            case YamlScalarNode scalar:
                result[prefix] = scalar.Value is "~" or "null" ? null : scalar.Value;
                break;
        }
    }

    public static void Validate(BridgeOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        Require(o.Db.Driver is "sqlite" or "mysql" or "postgres", "db.driver", $"must be sqlite, mysql or postgres, not '{o.Db.Driver}'");
        Require(o.Db.Driver == "sqlite" || o.Db.Connection.Length > 0, "db.connection", "is required for mysql and postgres");
        Require(o.Http.Port is > 0 and < 65536, "http.port", "must be between 1 and 65535");
        Require(o.Http.MaxBodyBytes > 0, "http.max_body_bytes", "must be greater than 0");
        Require(o.DataDir.InferenceTasks.Length > 0, "data_dir.inference_tasks", "is required");
        Require(o.DataDir.InferenceTasksRetentionDays >= 0, "data_dir.inference_tasks_retention_days", "must be 0 (keep forever) or more");
        Require(Uri.TryCreate(o.Relay.BaseUrl, UriKind.Absolute, out var relay) && relay.Scheme is "http" or "https",
            "relay.base_url", $"must be an http(s) URL, not '{o.Relay.BaseUrl}'");
        Require(o.Relay.TimeoutSeconds > 0, "relay.timeout_seconds", "must be greater than 0");
        Require(o.Relay.EventsPollIntervalMs is >= 1 and <= 60000, "relay.events_poll_interval_ms", "must be between 1 and 60000");
        Require(o.Relay.EventsFastPollIntervalMs is >= 1 and <= 60000, "relay.events_fast_poll_interval_ms", "must be between 1 and 60000");
        Require(o.Relay.ReconcileIntervalSeconds is >= 1 and <= 86400, "relay.reconcile_interval_seconds", "must be between 1 and 86400");
        Require(o.Relay.MaxAttempts is >= 1 and <= 10, "relay.max_attempts", "must be between 1 and 10");
        Require(o.Relay.MaxResultBytes is >= 1024 * 1024 and <= 16L * 1024 * 1024 * 1024, "relay.max_result_bytes", "must be between 1 MiB and 16 GiB");
        Require(IsVersion(o.Task.DefaultTaskVersion), "task.default_task_version", "must look like 3.1.0");
        foreach (var (key, fee) in new[]
                 {
                     ("task.default_sd_task_fee_cnx", o.Task.DefaultSdTaskFeeCnx), ("task.default_sd_xl_task_fee_cnx", o.Task.DefaultSdXlTaskFeeCnx),
                     ("task.default_llm_task_fee_cnx", o.Task.DefaultLlmTaskFeeCnx), ("task.default_sd_finetune_task_fee_cnx", o.Task.DefaultSdFinetuneTaskFeeCnx),
                 })
        {
            Require(fee >= 0, key, "must not be negative");
        }
        Require(o.Task.DefaultLlmMaxCompletionTokens > 0, "task.default_llm_max_completion_tokens", "must be greater than 0");
        Require(o.Task.RepeatNum is >= 1 and <= 10, "task.repeat_num", "must be between 1 and 10");
        Require(o.Task.SdFinetuneTimeout is >= 1 and <= 10080, "task.sd_finetune_timeout", "must be between 1 and 10080 minutes");
        Require(o.Task.SdFinetuneMaxRounds is >= 1 and <= 1000, "task.sd_finetune_max_rounds", "must be between 1 and 1000");
        Require(o.Task.SdFinetuneMaxCheckpointBytes is >= 1024 and <= 16L * 1024 * 1024 * 1024, "task.sd_finetune_max_checkpoint_bytes", "must be between 1 KiB and 16 GiB");
        Require(o.Task.MaxRepeatNum is >= 1 and <= 10, "task.max_repeat_num", "must be between 1 and 10");
        Require(o.Task.RepeatNum <= o.Task.MaxRepeatNum, "task.repeat_num", $"must not be above task.max_repeat_num ({o.Task.MaxRepeatNum}): it applies to every key");
        foreach (var (key, fee, ceilingKey, ceiling) in new[]
                 {
                     ("task.default_sd_task_fee_cnx", o.Task.DefaultSdTaskFeeCnx, "task.max_fee_cnx.sd", o.Task.MaxFeeCnx.Sd),
                     ("task.default_sd_xl_task_fee_cnx", o.Task.DefaultSdXlTaskFeeCnx, "task.max_fee_cnx.sd", o.Task.MaxFeeCnx.Sd),
                     ("task.default_llm_task_fee_cnx", o.Task.DefaultLlmTaskFeeCnx, "task.max_fee_cnx.llm", o.Task.MaxFeeCnx.Llm),
                     ("task.default_sd_finetune_task_fee_cnx", o.Task.DefaultSdFinetuneTaskFeeCnx, "task.max_fee_cnx.sd_finetune", o.Task.MaxFeeCnx.SdFinetune),
                 })
        {
            Require(ceiling > 0, ceilingKey, "must be greater than 0");
            Require(fee <= ceiling, key, $"({fee} CNX) must not be above {ceilingKey} ({ceiling} CNX), or no task with the default fee could run");
        }
        Require(o.Task.FeeMode is "auto" or "fixed", "task.fee_mode", $"must be auto or fixed, not '{o.Task.FeeMode}'");
        Require(Pricing.PriorityTarget.Parse(o.Task.FeePriority) is not null, "task.fee_priority",
            $"must be median, max, or a queue position 0-100 such as p75 or 90, not '{o.Task.FeePriority}'");
        Require(o.Task.FeeMinPriorityGwei >= 0, "task.fee_min_priority_gwei", "must not be negative");
        Require(o.Task.FeeBaseVram is >= 1 and <= 1024, "task.fee_base_vram", "must be between 1 and 1024");
        Require(o.Task.FeeRefreshSeconds is >= 1 and <= 3600, "task.fee_refresh_seconds", "must be between 1 and 3600");
        Require(o.Api.KeepAliveSeconds is >= 1 and <= 300, "api.keep_alive_seconds", "must be between 1 and 300");
        Require(o.Api.ApiKeyLifetimeDays > 0, "api.api_key_lifetime_days", "must be greater than 0");
        Require(o.Api.DefaultRateLimit >= 0, "api.default_rate_limit", "must be 0 (unlimited) or more");
        Require(o.Api.PublicBaseUrl.Length == 0 || Uri.TryCreate(o.Api.PublicBaseUrl, UriKind.Absolute, out _), "api.public_base_url", "must be an absolute URL");
        Require(o.Otel.Endpoint.Length == 0 || Uri.TryCreate(o.Otel.Endpoint, UriKind.Absolute, out _), "otel.endpoint", "must be an absolute URL");
        Require(o.Otel.Protocol is "grpc" or "http/protobuf", "otel.protocol", "must be grpc or http/protobuf");
        Require(o.Engine.LeaseSeconds is >= 5 and <= 3600, "engine.lease_seconds", "must be between 5 and 3600");
        Require(o.Engine.Workers is >= 1 and <= 256, "engine.workers", "must be between 1 and 256");
        Require(o.Admin.TaskTraceMaxTasks is >= 0 and <= 100_000, "admin.task_trace_max_tasks", "must be between 0 and 100000");
        Require(o.Engine.RelayQueueLimit is >= 1 and <= 1_000_000, "engine.relay_queue_limit", "must be between 1 and 1000000");
        Require(o.Blockchain.Account.Address.Length == 0 || Crypto.EthAddress.IsValid(o.Blockchain.Account.Address),
            "blockchain.account.address", "is not a valid address");
        Models.ModelPolicy.Validate(o.Models);
        if (o.OpenRouter.ModelsFile.Length > 0)
        {
            Api.OpenRouterModels.Load(o.OpenRouter.ModelsFile);
        }
    }

    private static bool IsVersion(string v)
    {
        var parts = v.Split('.');
        return parts.Length == 3 && parts.All(p => uint.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }

    private static void Require(bool condition, string key, string message)
    {
        if (!condition)
        {
            throw new ConfigException(key, message);
        }
    }
}
