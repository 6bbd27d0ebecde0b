using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Llm;

namespace Crynux.Bridge.Api;

/// <summary>
/// The fields of POST /v1/images/models (docs/api.md) → a fine-tune job's task_args, with the upstream bridge's defaults
/// (applied to a missing field, or to 0 where 0 means "not set") and key order. Unlike upstream a negative number, a value
/// out of range or of the wrong type is a 400 naming the field. Form fields arrive as text and are read by the same table.
/// </summary>
public static class FineTuneArgs
{
    private enum Kind
    {
        Text,
        Integer,
        Number,
        Boolean,
        InitLoraWeights,
        TargetModules,
    }

    private static readonly Dictionary<string, Kind> Fields = new(StringComparer.Ordinal)
    {
        ["model_name"] = Kind.Text,
        ["model_variant"] = Kind.Text,
        ["model_revision"] = Kind.Text,
        ["dataset_url"] = Kind.Text,
        ["dataset_name"] = Kind.Text,
        ["dataset_config_name"] = Kind.Text,
        ["dataset_image_column"] = Kind.Text,
        ["dataset_caption_column"] = Kind.Text,
        ["validation_prompt"] = Kind.Text,
        ["validation_num_images"] = Kind.Integer,
        ["center_crop"] = Kind.Boolean,
        ["random_flip"] = Kind.Boolean,
        ["rank"] = Kind.Integer,
        ["init_lora_weights"] = Kind.InitLoraWeights,
        ["target_modules"] = Kind.TargetModules,
        ["learning_rate"] = Kind.Number,
        ["batch_size"] = Kind.Integer,
        ["gradient_accumulation_steps"] = Kind.Integer,
        ["prediction_type"] = Kind.Text,
        ["max_grad_norm"] = Kind.Number,
        ["num_train_epochs"] = Kind.Integer,
        ["num_train_steps"] = Kind.Integer,
        ["max_train_epochs"] = Kind.Integer,
        ["max_train_steps"] = Kind.Integer,
        ["scale_lr"] = Kind.Boolean,
        ["resolution"] = Kind.Integer,
        ["noise_offset"] = Kind.Number,
        ["snr_gamma"] = Kind.Number,
        ["lr_scheduler"] = Kind.Text,
        ["lr_warmup_steps"] = Kind.Integer,
        ["adam_beta1"] = Kind.Number,
        ["adam_beta2"] = Kind.Number,
        ["adam_weight_decay"] = Kind.Number,
        ["adam_epsilon"] = Kind.Number,
        ["mixed_precision"] = Kind.Text,
        ["seed"] = Kind.Integer,
        ["timeout"] = Kind.Integer,
    };

    private static readonly string[] Schedulers = ["linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup"];

    /// <summary>What a job runs with: task_args (without the input checkpoint), the base model id and the Relay timeout in seconds.</summary>
    public sealed record Parsed(JsonObject Args, string ModelId, long TimeoutSeconds);

    /// <summary>Form fields (multipart) as the JSON body they stand for; a value that does not read as its field's type is a 400.</summary>
    public static JsonElement FromForm(IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var body = new JsonObject();
        foreach (var (name, text) in form)
        {
            if (!Fields.TryGetValue(name, out var kind))
            {
                continue; // unknown form fields are ignored, as unknown JSON fields are
            }
            body[name] = kind switch
            {
                Kind.Integer => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw Bad(name, $"{name} must be an integer"),
                Kind.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : throw Bad(name, $"{name} must be a number"),
                Kind.Boolean => FormBool(text) ?? throw Bad(name, $"{name} must be true or false"),
                Kind.InitLoraWeights => FormBool(text) is { } b ? b : text,
                Kind.TargetModules => text.TrimStart().StartsWith('[') ? ParseArray(name, text) : text,
                _ => text,
            };
        }
        return JsonSerializer.SerializeToElement(body);
    }

    private static bool? FormBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    private static JsonNode? ParseArray(string name, string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw Bad(name, $"{name} must be a module name or a JSON array of module names");
        }
    }

    public static Parsed Parse(JsonElement body, TaskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var modelName = Text(body, "model_name");
        if (string.IsNullOrWhiteSpace(modelName))
        {
            throw Bad("model_name", "model_name is required");
        }
        var variant = Text(body, "model_variant");
        var datasetUrl = Text(body, "dataset_url");
        var datasetName = Text(body, "dataset_name");
        if (datasetUrl is null && datasetName is null)
        {
            throw Bad("dataset_name", "dataset_name (a Hugging Face dataset) or dataset_url is required: a job without data cannot train");
        }
        if (datasetUrl is not null && !(Uri.TryCreate(datasetUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            throw Bad("dataset_url", "dataset_url must be an http or https URL");
        }

        var model = new JsonObject { ["name"] = modelName };
        if (variant is not null)
        {
            model["variant"] = variant;
        }
        model["revision"] = Text(body, "model_revision") ?? "main";
        var dataset = new JsonObject();
        AddIf(dataset, "url", datasetUrl);
        AddIf(dataset, "name", datasetName);
        AddIf(dataset, "config_name", Text(body, "dataset_config_name"));
        dataset["image_column"] = Text(body, "dataset_image_column") ?? "image";
        dataset["caption_column"] = Text(body, "dataset_caption_column") ?? "text";
        var validation = new JsonObject();
        AddIf(validation, "prompt", Text(body, "validation_prompt"));
        validation["num_images"] = Integer(body, "validation_num_images", 64) ?? 4;

        var train = new JsonObject
        {
            ["learning_rate"] = Number(body, "learning_rate", 1) ?? 1e-4,
            ["batch_size"] = Integer(body, "batch_size", 4096) ?? 16,
            ["gradient_accumulation_steps"] = Integer(body, "gradient_accumulation_steps", 1024) ?? 1,
        };
        AddIf(train, "prediction_type", OneOf(body, "prediction_type", "epsilon", "v_prediction"));
        train["max_grad_norm"] = Number(body, "max_grad_norm", 1e6) ?? 1.0;
        train["num_train_epochs"] = Integer(body, "num_train_epochs", 100_000) ?? 1;
        AddIf(train, "num_train_steps", Integer(body, "num_train_steps", 100_000_000));
        train["max_train_epochs"] = Integer(body, "max_train_epochs", 100_000) ?? 1;
        AddIf(train, "max_train_steps", Integer(body, "max_train_steps", 100_000_000));
        train["scale_lr"] = Bool(body, "scale_lr") ?? false;
        train["resolution"] = Integer(body, "resolution", 4096) ?? 512;
        train["noise_offset"] = Number(body, "noise_offset", 1) ?? 0;
        AddIf(train, "snr_gamma", Number(body, "snr_gamma", 1000));
        train["lr_scheduler"] = new JsonObject
        {
            ["lr_scheduler"] = OneOf(body, "lr_scheduler", Schedulers) ?? "constant",
            ["lr_warmup_steps"] = Integer(body, "lr_warmup_steps", 100_000_000) ?? 500,
        };
        train["adam_args"] = new JsonObject
        {
            ["beta1"] = Number(body, "adam_beta1", 1) ?? 0.9,
            ["beta2"] = Number(body, "adam_beta2", 1) ?? 0.999,
            ["weight_decay"] = Number(body, "adam_weight_decay", 1) ?? 0.01,
            ["epsilon"] = Number(body, "adam_epsilon", 1) ?? 1e-8,
        };
        var lora = new JsonObject
        {
            ["rank"] = Integer(body, "rank", 1024) ?? 8,
            ["init_lora_weights"] = InitLoraWeights(body),
            ["target_modules"] = TargetModules(body),
        };
        var args = new JsonObject
        {
            ["model"] = model,
            ["dataset"] = dataset,
            ["validation"] = validation,
            ["train_args"] = train,
            ["lora"] = lora,
            ["transforms"] = new JsonObject { ["center_crop"] = Bool(body, "center_crop") ?? false, ["random_flip"] = Bool(body, "random_flip") ?? false },
            ["dataloader_num_workers"] = 0,
            ["mixed_precision"] = OneOf(body, "mixed_precision", "no", "fp16", "bf16") ?? "no",
            ["seed"] = Integer(body, "seed", int.MaxValue) ?? Random.Shared.NextInt64(0, 100_000_000),
        };
        if (TaskArgsSchemas.Validate(2, args) is { } problem)
        {
            throw Bad(null, "the fine-tune arguments do not make valid task_args: " + problem);
        }
        var timeout = Integer(body, "timeout", 7 * 86400) ?? options.SdFinetuneTimeout * 60L;
        return new Parsed(args, $"base:{modelName}" + (variant is null ? "" : "+" + variant), timeout);
    }

    private static void AddIf(JsonObject target, string name, JsonNode? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }

    private static ProblemException Bad(string? field, string message) => new(Problem.BadRequest(field, message));

    private static string? Text(JsonElement body, string name)
    {
        var value = JsonBody.OptionalString(body, name);
        if (value is { Length: > 2000 })
        {
            throw Bad(name, $"{name} must be at most 2000 characters");
        }
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string? OneOf(JsonElement body, string name, params string[] allowed)
    {
        var value = Text(body, name);
        return value is null || allowed.Contains(value, StringComparer.Ordinal) ? value : throw Bad(name, $"{name} must be one of {string.Join(", ", allowed)}");
    }

    /// <summary>0 or absent is "not set" (upstream's rule); negative or above <paramref name="max"/> is a 400.</summary>
    private static long? Integer(JsonElement body, string name, long max)
    {
        if (JsonChecks.Integer(body, name, 0, max, out var value) is { } error)
        {
            throw new ProblemException(error);
        }
        return value is 0 ? null : value;
    }

    /// <summary>A finite number in [0, max]; 0 or absent is "not set".</summary>
    private static double? Number(JsonElement body, string name, double max)
    {
        if (JsonChecks.Number(body, name, 0, max, out var value) is { } error)
        {
            throw new ProblemException(error);
        }
        return value is 0 ? null : value;
    }

    private static bool? Bool(JsonElement body, string name) =>
        JsonChecks.Bool(body, name, out var value) is { } error ? throw new ProblemException(error) : value;

    private static JsonNode InitLoraWeights(JsonElement body)
    {
        if (!JsonChecks.Has(body, "init_lora_weights", out var value))
        {
            return true;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
            JsonValueKind.String when JsonChecks.AsString(value) is "gaussian" or "loftq" => value.GetString()!,
            _ => throw Bad("init_lora_weights", "init_lora_weights must be true, false, \"gaussian\" or \"loftq\""),
        };
    }

    private static JsonNode? TargetModules(JsonElement body)
    {
        if (!JsonChecks.Has(body, "target_modules", out var value))
        {
            return null;
        }
        const string message = "target_modules must be a module name, an array of module names, or null";
        if (value.ValueKind == JsonValueKind.String)
        {
            return JsonChecks.AsString(value) is { Length: > 0 and <= 2000 } one ? one : throw Bad("target_modules", message);
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > 256)
        {
            throw Bad("target_modules", message);
        }
        var modules = new JsonArray();
        foreach (var item in value.EnumerateArray())
        {
            modules.Add(item.ValueKind == JsonValueKind.String && JsonChecks.AsString(item) is { Length: > 0 and <= 2000 } name ? name : throw Bad("target_modules", message));
        }
        return modules;
    }
}
