using System.Globalization;
using System.Text;

namespace Crynux.Crypto;

/// <summary>Go encoding/json's float64 output: shortest round-trip digits, 'f' form, 'e' form below 1e-6 and from 1e21.</summary>
internal static class GoFloat
{
    public static double Parse(string number)
    {
        var value = double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw new CryptoFormatException($"number {number} is out of range for float64");
        }

        return value;
    }

    public static string Format(double value)
    {
        // .NET's "R" gives the shortest round-trip digits; only the layout differs from Go.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }

        var exponentAt = text.IndexOf('E', StringComparison.Ordinal);
        var mantissa = exponentAt < 0 ? text : text[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(text.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var pointAt = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = pointAt < 0 ? mantissa : mantissa.Remove(pointAt, 1);
        var point = (pointAt < 0 ? mantissa.Length : pointAt) + exponent; // value = 0.digits × 10^point
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        point -= leading;

        var sign = negative ? "-" : string.Empty;
        if (digits.Length == 0)
        {
            return sign + "0";
        }

        var magnitude = Math.Abs(value);
        return sign + (magnitude < 1e-6 || magnitude >= 1e21 ? Exponential(digits, point) : Fixed(digits, point));
    }

    private static string Fixed(string digits, int point)
    {
        if (point <= 0)
        {
            return "0." + new string('0', -point) + digits;
        }

        return point >= digits.Length
            ? digits + new string('0', point - digits.Length)
            : digits[..point] + "." + digits[point..];
    }

    private static string Exponential(string digits, int point)
    {
        var exponent = point - 1;
        var builder = new StringBuilder();
        builder.Append(digits[0]);
        if (digits.Length > 1)
        {
            builder.Append('.').Append(digits, 1, digits.Length - 1);
        }

        // Go prints at least two exponent digits, then encoding/json trims "e-07" to "e-7".
        builder.Append('e').Append(exponent < 0 ? '-' : '+');
        var magnitude = Math.Abs(exponent);
        if (magnitude < 10 && exponent > 0)
        {
            builder.Append('0');
        }

        builder.Append(magnitude.ToString(CultureInfo.InvariantCulture));
        return builder.ToString();
    }
}
