using System.Globalization;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Pricing;

/// <summary>
/// One execution-time lookup: the model configuration and the hardware selection the Relay prices a task with (by
/// min_vram, or by the exact GPU when the task names one). Also the cache key of its coefficients.
/// </summary>
public sealed record CoefficientQuery(TaskType Type, string Model, string Dtype, long QuantizeBits, string Variant, long MinVram, string GpuName, long GpuVram)
{
    /// <summary>The Relay path and query (relative to its base URL).</summary>
    public string PathAndQuery()
    {
        var parts = new List<string> { "model=" + Uri.EscapeDataString(Model) };
        if (Dtype.Length > 0)
        {
            parts.Add("dtype=" + Uri.EscapeDataString(Dtype));
        }
        if (QuantizeBits > 0)
        {
            parts.Add("quantize_bits=" + QuantizeBits.ToString(CultureInfo.InvariantCulture));
        }
        if (Type == TaskType.StableDiffusion && Variant.Length > 0)
        {
            parts.Add("variant=" + Uri.EscapeDataString(Variant));
        }
        if (GpuName.Length > 0)
        {
            parts.Add("gpu_name=" + Uri.EscapeDataString(GpuName));
            parts.Add("gpu_vram=" + GpuVram.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            // The Relay refuses min_vram 0; a task without a VRAM demand matches every card, as min_vram 1 does.
            parts.Add("min_vram=" + Math.Max(1, MinVram).ToString(CultureInfo.InvariantCulture));
        }
        return $"v2/models/{(Type == TaskType.Llm ? "llm" : "sd")}/execution-time?{string.Join('&', parts)}";
    }
}
