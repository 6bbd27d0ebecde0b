using System.Globalization;

namespace Crynux.Bridge.Api;

/// <summary>The {vram_limit} of /v1/llm/{vram_limit}/…: GB of VRAM a node needs, 0 to 1024 (the raw API's min_vram range).</summary>
public static class VramLimit
{
    public const long Max = 1024;

    /// <summary>The value (spaces trimmed, as upstream), or a 400 naming vram_limit.</summary>
    public static long Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var gb) && gb <= Max
            ? gb
            : throw new ProblemException(Problem.BadRequest("vram_limit", $"vram_limit must be an unsigned integer of GB between 0 and {Max}"));
    }
}
