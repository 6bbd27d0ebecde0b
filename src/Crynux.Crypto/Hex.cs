namespace Crynux.Crypto;

/// <summary>Lowercase hex encoding with an optional <c>0x</c> prefix, as Ethereum tools write it.</summary>
public static class Hex
{
    public static string Encode(ReadOnlySpan<byte> bytes, bool prefix = true) =>
        prefix ? string.Concat("0x", Convert.ToHexStringLower(bytes)) : Convert.ToHexStringLower(bytes);

    /// <summary>Decodes hex with or without a <c>0x</c>/<c>0X</c> prefix.</summary>
    public static byte[] Decode(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var digits = StripPrefix(hex);
        if (digits.Length % 2 != 0)
        {
            throw new CryptoFormatException("hex string has an odd number of digits");
        }

        try
        {
            return Convert.FromHexString(digits);
        }
        catch (FormatException e)
        {
            throw new CryptoFormatException("not a hex string", e);
        }
    }

    internal static ReadOnlySpan<char> StripPrefix(string hex) =>
        hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex.AsSpan(2) : hex.AsSpan();
}
