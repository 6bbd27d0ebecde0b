using System.ComponentModel;
using System.Text.Json.Serialization;

// Shapes of the fine-tune routes for /openapi.json (not used to bind requests; see FineTuneArgs.cs).
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("A LoRA fine-tune job. The same fields go as form values in multipart/form-data, with an optional file part 'checkpoint' " +
    "(a ZIP of an earlier run, to continue it). A field missing, or 0 where 0 means unset, takes its default; negative numbers are refused.")]
public sealed record FineTuneRequest(
    [property: JsonPropertyName("model_name"), Description("base model, e.g. crynux-network/stable-diffusion-v1-5 (required)")] string ModelName,
    [property: JsonPropertyName("model_variant"), Description("e.g. fp16")] string? ModelVariant = null,
    [property: JsonPropertyName("model_revision"), Description("default main")] string? ModelRevision = null,
    [property: JsonPropertyName("dataset_url"), Description("http(s) URL of the dataset; this or dataset_name is required")] string? DatasetUrl = null,
    [property: JsonPropertyName("dataset_name"), Description("Hugging Face dataset, e.g. lambdalabs/naruto-blip-captions")] string? DatasetName = null,
    [property: JsonPropertyName("dataset_config_name")] string? DatasetConfigName = null,
    [property: JsonPropertyName("dataset_image_column"), Description("default image")] string? DatasetImageColumn = null,
    [property: JsonPropertyName("dataset_caption_column"), Description("default text")] string? DatasetCaptionColumn = null,
    [property: JsonPropertyName("validation_prompt")] string? ValidationPrompt = null,
    [property: JsonPropertyName("validation_num_images"), Description("default 4, at most 64")] int? ValidationNumImages = null,
    [property: JsonPropertyName("center_crop")] bool? CenterCrop = null,
    [property: JsonPropertyName("random_flip")] bool? RandomFlip = null,
    [property: JsonPropertyName("rank"), Description("LoRA rank, default 8")] int? Rank = null,
    [property: JsonPropertyName("init_lora_weights"), Description("true (default), false, \"gaussian\" or \"loftq\"")] object? InitLoraWeights = null,
    [property: JsonPropertyName("target_modules"), Description("a module name, an array of them, or null")] object? TargetModules = null,
    [property: JsonPropertyName("learning_rate"), Description("default 1e-4")] double? LearningRate = null,
    [property: JsonPropertyName("batch_size"), Description("default 16")] int? BatchSize = null,
    [property: JsonPropertyName("gradient_accumulation_steps"), Description("default 1")] int? GradientAccumulationSteps = null,
    [property: JsonPropertyName("prediction_type"), Description("epsilon or v_prediction")] string? PredictionType = null,
    [property: JsonPropertyName("max_grad_norm"), Description("default 1.0")] double? MaxGradNorm = null,
    [property: JsonPropertyName("num_train_epochs"), Description("default 1")] int? NumTrainEpochs = null,
    [property: JsonPropertyName("num_train_steps")] int? NumTrainSteps = null,
    [property: JsonPropertyName("max_train_epochs"), Description("default 1")] int? MaxTrainEpochs = null,
    [property: JsonPropertyName("max_train_steps")] int? MaxTrainSteps = null,
    [property: JsonPropertyName("scale_lr"), Description("default false")] bool? ScaleLr = null,
    [property: JsonPropertyName("resolution"), Description("default 512")] int? Resolution = null,
    [property: JsonPropertyName("noise_offset"), Description("default 0")] double? NoiseOffset = null,
    [property: JsonPropertyName("snr_gamma")] double? SnrGamma = null,
    [property: JsonPropertyName("lr_scheduler"), Description("constant (default), linear, cosine, cosine_with_restarts, polynomial, constant_with_warmup")] string? LrScheduler = null,
    [property: JsonPropertyName("lr_warmup_steps"), Description("default 500")] int? LrWarmupSteps = null,
    [property: JsonPropertyName("adam_beta1"), Description("default 0.9")] double? AdamBeta1 = null,
    [property: JsonPropertyName("adam_beta2"), Description("default 0.999")] double? AdamBeta2 = null,
    [property: JsonPropertyName("adam_weight_decay"), Description("default 0.01")] double? AdamWeightDecay = null,
    [property: JsonPropertyName("adam_epsilon"), Description("default 1e-8")] double? AdamEpsilon = null,
    [property: JsonPropertyName("mixed_precision"), Description("no (default), fp16 or bf16")] string? MixedPrecision = null,
    [property: JsonPropertyName("seed"), Description("random when absent or 0")] long? Seed = null,
    [property: JsonPropertyName("timeout"), Description("seconds one round may run; default task.sd_finetune_timeout minutes")] long? Timeout = null);

[Description("Without an API key only id and status; with the owner's key also the rounds and the error.")]
public sealed record FineTuneStatus(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("status"), Description("running, success or failed")] string Status,
    [property: JsonPropertyName("rounds_done")] int? RoundsDone = null,
    [property: JsonPropertyName("failed_rounds"), Description("rounds that ended without a checkpoint (3 are re-created; the 4th fails the job)")] int? FailedRounds = null,
    [property: JsonPropertyName("error")] string? Error = null);

public sealed record FineTuneStatusEnvelope(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] FineTuneStatus Data);
