using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.TaskArgs;

/// <summary>
/// The Relay's pricing parse (docs/protocol.md §9.2, §9.4): errors that are 500s, and a simple work estimate for the
/// priority and execution timeout (the Relay's calibrated per-GPU coefficients are not reproduced).
/// </summary>
internal static class TaskEstimate
{
    /// <summary>The estimator's coefficients, also served by /v2/models/{sd,llm}/execution-time.</summary>
    public const double SdOverheadSeconds = 2;
    public const double SdSecondsPerPixelStep = 1e-7;
    public const double LlmConstantSeconds = 1;
    public const double LlmSecondsPerInputToken = 0.001;
    public const double LlmSecondsPerOutputToken = 0.02;

    public static double Seconds(TaskType type, JsonObject args)
    {
        if (args["quantize_bits"] is JsonValue bits && bits.GetValueKind() == JsonValueKind.Number
            && (!JsonNumbers.TryGetDouble(bits, out var b) || b < 0 || b != Math.Floor(b)))
        {
            throw RelayException.Internal("extract model execution config: invalid quantize_bits");
        }
        return type switch
        {
            TaskType.StableDiffusion => SdSeconds(args),
            TaskType.Llm => LlmSeconds(args),
            TaskType.StableDiffusionFinetuneLora => 60,
            _ => throw RelayException.Internal($"unknown task type {(int)type}"),
        };
    }

    private static double SdSeconds(JsonObject args)
    {
        var config = args["task_config"] as JsonObject;
        var units = (double)Number(config, "num_images", 6) * Number(config, "image_width", 512)
            * Number(config, "image_height", 512) * Number(config, "steps", 1);
        if (units <= 0)
        {
            throw RelayException.Internal("sd pixel-step factors must be positive");
        }
        if (units > long.MaxValue)
        {
            throw RelayException.Internal("sd pixel-step units overflow");
        }
        return SdOverheadSeconds + (units * SdSecondsPerPixelStep);
    }

    private static double LlmSeconds(JsonObject args)
    {
        var textBytes = 0;
        foreach (var message in (args["messages"] as JsonArray ?? []).OfType<JsonObject>())
        {
            switch (message["content"])
            {
                case JsonValue text when text.TryGetValue<string>(out var s):
                    textBytes += System.Text.Encoding.UTF8.GetByteCount(s);
                    break;
                case JsonArray blocks:
                    foreach (var block in blocks.OfType<JsonObject>())
                    {
                        if (block["base64"] is JsonValue image && image.TryGetValue<string>(out var data))
                        {
                            CheckImage(data);
                        }
                        else if (block["text"] is JsonValue t && t.TryGetValue<string>(out var blockText))
                        {
                            textBytes += System.Text.Encoding.UTF8.GetByteCount(blockText);
                        }
                    }
                    break;
            }
        }
        var maxNewTokens = Number(args["generation_config"] as JsonObject, "max_new_tokens", 256);
        return LlmConstantSeconds + (textBytes / 4 * LlmSecondsPerInputToken) + ((double)maxNewTokens * LlmSecondsPerOutputToken);
    }

    /// <summary>LLM image blocks must be standard base64 of a gif, jpeg, png or webp.</summary>
    private static void CheckImage(string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw RelayException.Internal("decode llm image base64: illegal base64 data at input byte 0");
        }
        var known = bytes.AsSpan().StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 }) || bytes.AsSpan().StartsWith("GIF8"u8)
            || bytes.AsSpan().StartsWith(new byte[] { 0xFF, 0xD8, 0xFF })
            || (bytes.Length > 12 && bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8) && bytes.AsSpan(8, 4).SequenceEqual("WEBP"u8));
        if (!known)
        {
            throw RelayException.Internal("read llm image dimensions: image: unknown format");
        }
    }

    private static long Number(JsonObject? owner, string key, long fallback) =>
        JsonNumbers.TryGetDouble(owner?[key], out var n) ? (long)n : fallback;
}
