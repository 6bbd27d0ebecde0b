using System.Text;
using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;

namespace Crynux.Bridge.Pricing;

/// <summary>
/// What the Relay prices a task by, read from its task_args as the Relay reads them: an LLM task's input tokens
/// (UTF-8 bytes of its message text ÷ 4, rounded up), output tokens (generation_config.max_new_tokens, else the Relay's
/// 256) and images; an SD task's pixel-steps (num_images × width × height × steps, the Relay's defaults 6, 512, 512, 1
/// for missing values); and its VRAM demand (required_gpu_vram when a GPU is named, else min_vram).
/// </summary>
public sealed record TaskWorkload(CoefficientQuery Query, long InputTokens, long OutputTokens, long Images, double SdUnits, long VramDemand)
{
    /// <summary>The Relay's max_new_tokens when a task does not say.</summary>
    public const long RelayDefaultMaxNewTokens = 256;

    /// <summary>The workload of an SD or LLM task; null when its task_args cannot be priced (the fixed fee applies).</summary>
    public static TaskWorkload? From(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Type is not (TaskType.Llm or TaskType.StableDiffusion))
        {
            return null;
        }
        JsonElement args;
        try
        {
            using var doc = JsonDocument.Parse(spec.TaskArgs);
            args = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
        if (args.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var vram = spec.RequiredGpu.Length > 0 ? spec.RequiredGpuVram : spec.MinVram;
        return spec.Type == TaskType.Llm ? Llm(spec, args, vram) : Sd(spec, args, vram);
    }

    private static TaskWorkload? Llm(TaskSpec spec, JsonElement args, long vram)
    {
        var model = Text(args, "model");
        if (model.Length == 0)
        {
            return null;
        }
        long bytes = 0, images = 0;
        if (args.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.Object))
            {
                if (!message.TryGetProperty("content", out var content))
                {
                    continue;
                }
                if (content.ValueKind == JsonValueKind.String)
                {
                    bytes += Encoding.UTF8.GetByteCount(content.GetString()!);
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    foreach (var block in content.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.Object))
                    {
                        if (block.TryGetProperty("base64", out _))
                        {
                            images++;
                        }
                        else if (Text(block, "text") is { Length: > 0 } text)
                        {
                            bytes += Encoding.UTF8.GetByteCount(text);
                        }
                    }
                }
            }
        }
        var generation = args.TryGetProperty("generation_config", out var g) ? g : default;
        var output = Number(generation, "max_new_tokens") is { } n and > 0 ? (long)n : RelayDefaultMaxNewTokens;
        var query = new CoefficientQuery(TaskType.Llm, model.ToLowerInvariant(), Text(args, "dtype").ToLowerInvariant(),
            (long)(Number(args, "quantize_bits") ?? 0), "", vram, spec.RequiredGpu, spec.RequiredGpuVram);
        return new TaskWorkload(query, (bytes + 3) / 4, output, images, 0, vram);
    }

    private static TaskWorkload? Sd(TaskSpec spec, JsonElement args, long vram)
    {
        var baseModel = args.TryGetProperty("base_model", out var b) ? b : default;
        var model = baseModel.ValueKind == JsonValueKind.Object ? Text(baseModel, "name") : Text(args, "base_model");
        if (model.Length == 0)
        {
            return null;
        }
        var variant = baseModel.ValueKind == JsonValueKind.Object ? Text(baseModel, "variant") : "";
        var config = args.TryGetProperty("task_config", out var c) ? c : default;
        var units = (Number(config, "num_images") ?? 6) * (Number(config, "image_width") ?? 512) * (Number(config, "image_height") ?? 512)
            * (Number(config, "steps") ?? 1);
        if (!double.IsFinite(units) || units <= 0 || units > long.MaxValue)
        {
            return null;
        }
        var query = new CoefficientQuery(TaskType.StableDiffusion, model.ToLowerInvariant(), Text(args, "dtype").ToLowerInvariant(),
            (long)(Number(args, "quantize_bits") ?? 0), variant.ToLowerInvariant(), vram, spec.RequiredGpu, spec.RequiredGpuVram);
        return new TaskWorkload(query, 0, 0, 0, units, vram);
    }

    /// <summary>The Relay's estimate of node-seconds for this task under <paramref name="c"/> (model switches not included).</summary>
    public double Seconds(ExecutionTimeCoefficients c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return Query.Type == TaskType.Llm
            ? c.ConstantSeconds + (c.SecondsPerInputToken * InputTokens) + (c.SecondsPerOutputToken * OutputTokens) + (c.SecondsPerImage * Images)
            : Math.Max(c.OverheadSeconds + (SdUnits * c.SecondsPerSdPixelStep), 1);
    }

    private static string Text(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : "";

    private static double? Number(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            && v.TryGetDouble(out var n) && double.IsFinite(n) && n >= 0 ? Math.Floor(n) : null;
}
