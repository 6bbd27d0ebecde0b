using System.Text.Json;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Pricing;

/// <summary>
/// The Relay's execution-time coefficients for one model and hardware selection, in seconds: LLM
/// (constant, per input token, per output token, per image) or SD (overhead, per pixel-step).
/// </summary>
public sealed record ExecutionTimeCoefficients(
    double ConstantSeconds = 0, double SecondsPerInputToken = 0, double SecondsPerOutputToken = 0, double SecondsPerImage = 0,
    double OverheadSeconds = 0, double SecondsPerSdPixelStep = 0)
{
    /// <summary>Reads the data of an execution-time answer; every coefficient must be a finite number ≥ 0.</summary>
    public static ExecutionTimeCoefficients Read(TaskType type, JsonElement data) => type == TaskType.Llm
        ? new ExecutionTimeCoefficients(
            ConstantSeconds: Coefficient(data, "constant_seconds", required: true),
            SecondsPerInputToken: Coefficient(data, "seconds_per_input_token", required: true),
            SecondsPerOutputToken: Coefficient(data, "seconds_per_output_token", required: true),
            SecondsPerImage: Coefficient(data, "seconds_per_image", required: false))
        : new ExecutionTimeCoefficients(
            OverheadSeconds: Coefficient(data, "overhead_seconds", required: true),
            SecondsPerSdPixelStep: Coefficient(data, "seconds_per_sd_pixel_step", required: true));

    private static double Coefficient(JsonElement data, string name, bool required)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new FormatException($"the Relay's execution-time answer has no {name}") : 0;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var n) || !double.IsFinite(n) || n < 0)
        {
            throw new FormatException($"the Relay's execution-time {name} is not a finite number ≥ 0: {value.GetRawText()}");
        }
        return n;
    }
}
