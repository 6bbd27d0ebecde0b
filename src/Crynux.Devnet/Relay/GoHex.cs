namespace Crynux.Devnet.Relay;

/// <summary>go-ethereum hexutil.Decode with its error texts (they surface as 500 messages on validate).</summary>
internal static class GoHex
{
    public static byte[] Decode(string input)
    {
        if (input.Length == 0)
        {
            throw RelayException.Internal("empty hex string");
        }
        if (!input.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            throw RelayException.Internal("hex string without 0x prefix");
        }
        var digits = input.AsSpan(2);
        if (digits.Length % 2 != 0)
        {
            throw RelayException.Internal("hex string of odd length");
        }
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                throw RelayException.Internal("invalid hex string");
            }
        }
        return Convert.FromHexString(digits);
    }
}
