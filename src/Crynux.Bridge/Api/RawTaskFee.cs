using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crynux.Bridge.Llm;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Api;

/// <summary>
/// task_fee of a raw task, read by its JSON type: a string is today's contract (the final fee of one network task in wei,
/// used as sent), a number the seed's (GWei per unit of task size), absent or null the operator's default.
/// </summary>
public static partial class RawTaskFee
{
    private static readonly BigInteger MaxUint256 = BigInteger.Pow(2, 256) - 1;

    [GeneratedRegex("^(0|[1-9][0-9]*)$")]
    private static partial Regex WeiPattern();

    /// <summary>The fee in wei of one Relay task, or null for the default; a 400 on task_fee for anything else.</summary>
    public static BigInteger? Read(JsonElement body, long taskSize, out bool isWei)
    {
        isWei = false;
        if (!JsonChecks.Has(body, "task_fee", out var raw) || raw.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (raw.ValueKind != JsonValueKind.String)
        {
            var gwei = JsonBody.OptionalInteger(body, "task_fee", 0, long.MaxValue / 1000);
            return gwei is { } g ? Fees.WeiPerGwei * g * taskSize : null;
        }
        isWei = true;
        var text = JsonChecks.AsString(raw) ?? throw new ProblemException(Problem.BadRequest("task_fee", "task_fee must be valid Unicode text"));
        var quoted = JsonSerializer.Serialize(text.Length > 100 ? text[..100] + "…" : text);
        if (!WeiPattern().IsMatch(text))
        {
            throw new ProblemException(Problem.BadRequest("task_fee", $"invalid Wei value {quoted}: a string task_fee is a whole number of wei in decimal digits"));
        }
        // 2^256 − 1 has 78 digits; longer text cannot be a uint256 and is not parsed.
        if (text.Length > 78 || BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) > MaxUint256)
        {
            throw new ProblemException(Problem.BadRequest("task_fee", $"Wei value {quoted} exceeds uint256"));
        }
        return BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
