using System.Globalization;
using System.Text;
using Native = Secp256k1Net.Secp256k1;

namespace Crynux.Crypto;

/// <summary>Recovery and verification of 65-byte r‖s‖v secp256k1 signatures, as go-ethereum does them.</summary>
public static class EthSignature
{
    /// <summary>Recovers the 64-byte public key. v must be 0..3, or 27..30 when <paramref name="allowLegacyV"/> is set.</summary>
    public static byte[] RecoverPublicKey(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature65, bool allowLegacyV = false) =>
        Recover(hash32, signature65, allowLegacyV).AsSpan(1).ToArray();

    public static string RecoverAddress(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature65, bool allowLegacyV = false) =>
        EthAddress.FromPublicKey(Recover(hash32, signature65, allowLegacyV).AsSpan(1));

    /// <summary>Verifies r‖s over a 32-byte hash; false for high-S signatures, as go-ethereum's VerifySignature.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey64, ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature64)
    {
        RequireLength(hash32, 32, "hash");
        RequireLength(signature64, 64, "signature without v");
        var q = Curve.DecodePublicKey(publicKey64);
        if (!Curve.IsScalar(signature64[..32]) || !Curve.IsScalar(signature64[32..]))
        {
            return false;
        }

        // libsecp256k1's verification refuses high-S signatures, as go-ethereum's VerifySignature does.
        return Native.Verify(signature64, hash32, q);
    }

    /// <summary>The EIP-191 personal_sign hash: keccak256("\x19Ethereum Signed Message:\n" + len + message).</summary>
    public static byte[] PersonalMessageHash(ReadOnlySpan<byte> message)
    {
        var prefix = Encoding.ASCII.GetBytes("\u0019Ethereum Signed Message:\n" + message.Length.ToString(CultureInfo.InvariantCulture));
        var buffer = new byte[prefix.Length + message.Length];
        prefix.CopyTo(buffer, 0);
        message.CopyTo(buffer.AsSpan(prefix.Length));
        return Keccak256.Hash(buffer);
    }

    /// <summary>The signer's 65-byte uncompressed SEC1 public key.</summary>
    internal static byte[] Recover(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature65, bool allowLegacyV)
    {
        RequireLength(hash32, 32, "hash");
        RequireLength(signature65, 65, "signature");
        int v = signature65[64];
        if (allowLegacyV && v >= 27)
        {
            v -= 27;
        }

        if (v > 3)
        {
            throw new CryptoFormatException($"invalid recovery id v={signature65[64]}");
        }

        if (!Curve.IsScalar(signature65[..32]) || !Curve.IsScalar(signature65[32..64]))
        {
            throw new CryptoFormatException("signature r or s is out of range");
        }

        try
        {
            return Native.RecoverPublicKey(signature65[..64], (byte)v, hash32, compressed: false);
        }
        catch (ArgumentException e)
        {
            // r (+ n for v ≥ 2) is not the x of a curve point, or the key would be the point at infinity.
            throw new CryptoFormatException("the signature recovers to no public key", e);
        }
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string what)
    {
        if (value.Length != length)
        {
            throw new CryptoFormatException($"a {what} has {length} bytes, not {value.Length}");
        }
    }
}
