namespace Crynux.Crypto;

/// <summary>Ethereum addresses with EIP-55 checksums.</summary>
public static class EthAddress
{
    public static string FromPublicKey(ReadOnlySpan<byte> publicKey64)
    {
        if (publicKey64.Length != 64)
        {
            throw new CryptoFormatException($"a public key here has 64 bytes (X‖Y), not {publicKey64.Length}");
        }

        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(publicKey64, hash);
        return Checksum(Convert.ToHexStringLower(hash[12..]));
    }

    /// <summary>The EIP-55 form of an address given in any case, with or without 0x.</summary>
    public static string ToChecksum(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var digits = Hex.StripPrefix(address);
        if (digits.Length != 40 || !IsHex(digits))
        {
            throw new CryptoFormatException("an address is 0x followed by 40 hex digits");
        }

        return Checksum(digits.ToString().ToLowerInvariant());
    }

    /// <summary>True for "0x" + 40 hex digits whose mixed case, if any, matches the EIP-55 checksum.</summary>
    public static bool IsValid(string? address)
    {
        if (address is null || address.Length != 42 || !address.StartsWith("0x", StringComparison.Ordinal))
        {
            return false;
        }

        var digits = address.AsSpan(2);
        if (!IsHex(digits))
        {
            return false;
        }

        var hasLower = digits.ContainsAnyInRange('a', 'f');
        var hasUpper = digits.ContainsAnyInRange('A', 'F');
        return !(hasLower && hasUpper) || string.Equals(Checksum(digits.ToString().ToLowerInvariant()), address, StringComparison.Ordinal);
    }

    /// <summary>Compares two valid addresses regardless of case.</summary>
    public static bool AreEqual(string? a, string? b) =>
        IsValid(a) && IsValid(b) && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string Checksum(string lowerHex40)
    {
        Span<byte> ascii = stackalloc byte[40];
        for (var i = 0; i < 40; i++)
        {
            ascii[i] = (byte)lowerHex40[i];
        }

        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(ascii, hash);
        return string.Create(42, (lowerHex40, hash.ToArray()), static (chars, state) =>
        {
            chars[0] = '0';
            chars[1] = 'x';
            for (var i = 0; i < 40; i++)
            {
                var c = state.lowerHex40[i];
                var nibble = (i % 2 == 0 ? state.Item2[i / 2] >> 4 : state.Item2[i / 2]) & 0xF;
                chars[i + 2] = c >= 'a' && nibble >= 8 ? char.ToUpperInvariant(c) : c;
            }
        });
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static bool IsHex(ReadOnlySpan<char> digits) => !digits.ContainsAnyExcept(HexDigits);
}
