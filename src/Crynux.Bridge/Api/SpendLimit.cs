using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Crynux.Bridge.Api;

/// <summary>A key's spend limit in CNX: at most 9 decimals (whole GWei), stored in GWei; null is no limit.</summary>
public static partial class SpendLimit
{
    private const long GweiPerCnx = 1_000_000_000;

    // Below 10^9 CNX, so that the limit in GWei fits a BIGINT with room for what keys hold.
    [GeneratedRegex("^(0|[1-9][0-9]{0,8})(\\.[0-9]{1,9})?$")]
    private static partial Regex CnxPattern();

    /// <summary>The limit in GWei from a JSON string or number; null for JSON null; a 400 on <paramref name="field"/> otherwise.</summary>
    public static long? Read(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var text = value.ValueKind switch
        {
            JsonValueKind.String => Llm.JsonChecks.AsString(value),
            // A number is read as the decimal it writes (1e-9 and 0.000000001 alike), then held to the same rules.
            JsonValueKind.Number => value.TryGetDecimal(out var number) && number >= 0 ? number.ToString("0.#############################", CultureInfo.InvariantCulture) : null,
            _ => null,
        };
        if (text is null || !CnxPattern().IsMatch(text))
        {
            throw new ProblemException(Problem.BadRequest(field,
                $"{field} must be an amount of CNX as a decimal (e.g. \"12.5\"), at least 0, below 1000000000 and with at most 9 decimals, or null for no limit"));
        }
        var parts = text.Split('.');
        var whole = long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
        var fraction = parts.Length > 1 ? long.Parse(parts[1].PadRight(9, '0'), NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        return whole * GweiPerCnx + fraction;
    }

    /// <summary>GWei as a CNX decimal string without trailing zeros ("12.5", "0.000000001", "3").</summary>
    public static string Cnx(long gwei)
    {
        var sign = gwei < 0 ? "-" : "";
        var magnitude = Math.Abs(gwei);
        var fraction = (magnitude % GweiPerCnx).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        var whole = (magnitude / GweiPerCnx).ToString(CultureInfo.InvariantCulture);
        return sign + (fraction.Length == 0 ? whole : whole + "." + fraction);
    }
}
