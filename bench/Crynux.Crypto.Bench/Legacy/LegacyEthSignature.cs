using System.Globalization;
using System.Text;
using Org.BouncyCastle.Math.EC;

namespace Crynux.Crypto.Bench.Legacy;

/// <summary>Recovery and verification of 65-byte r‖s‖v secp256k1 signatures, as go-ethereum does them.</summary>
internal static class LegacyEthSignature
{
    /// <summary>Recovers the 64-byte public key. v must be 0..3, or 27..30 when <paramref name="allowLegacyV"/> is set.</summary>
    public static byte[] RecoverPublicKey(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature65, bool allowLegacyV = false) =>
        LegacySecp256k1.PublicKey64(Recover(hash32, signature65, allowLegacyV));

    public static string RecoverAddress(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature65, bool allowLegacyV = false) =>
        EthAddress.FromPublicKey(RecoverPublicKey(hash32, signature65, allowLegacyV));

    /// <summary>Verifies r‖s over a 32-byte hash; false for high-S signatures, as go-ethereum's VerifySignature.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey64, ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature64)
    {
        RequireLength(hash32, 32, "hash");
        RequireLength(signature64, 64, "signature without v");
        var q = LegacySecp256k1.DecodePublicKey(publicKey64);
        var n = LegacySecp256k1.N;
        var r = LegacySecp256k1.ToInteger(signature64[..32]);
        var s = LegacySecp256k1.ToInteger(signature64[32..]);
        if (r.SignValue == 0 || r.CompareTo(n) >= 0 || s.SignValue == 0 || s.CompareTo(LegacySecp256k1.HalfN) > 0)
        {
            return false;
        }

        var e = LegacySecp256k1.ToInteger(hash32);
        var w = s.ModInverse(n);
        var point = ECAlgorithms.SumOfTwoMultiplies(LegacySecp256k1.G, e.Multiply(w).Mod(n), q, r.Multiply(w).Mod(n)).Normalize();
        return !point.IsInfinity && point.AffineXCoord.ToBigInteger().Mod(n).Equals(r);
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

    internal static ECPoint Recover(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature65, bool allowLegacyV)
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

        var n = LegacySecp256k1.N;
        var r = LegacySecp256k1.ToInteger(signature65[..32]);
        var s = LegacySecp256k1.ToInteger(signature65[32..64]);
        if (r.SignValue == 0 || r.CompareTo(n) >= 0 || s.SignValue == 0 || s.CompareTo(n) >= 0)
        {
            throw new CryptoFormatException("signature r or s is out of range");
        }

        var x = (v & 2) != 0 ? r.Add(n) : r;
        var rPoint = LegacySecp256k1.LiftX(x, (v & 1) != 0)
            ?? throw new CryptoFormatException("signature r is not the x of a curve point");
        var e = LegacySecp256k1.ToInteger(hash32);
        var rInverse = r.ModInverse(n);
        var u1 = e.Negate().Multiply(rInverse).Mod(n);
        var u2 = s.Multiply(rInverse).Mod(n);
        var q = ECAlgorithms.SumOfTwoMultiplies(LegacySecp256k1.G, u1, rPoint, u2).Normalize();
        if (q.IsInfinity)
        {
            throw new CryptoFormatException("signature recovers to the point at infinity");
        }

        return q;
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string what)
    {
        if (value.Length != length)
        {
            throw new CryptoFormatException($"a {what} has {length} bytes, not {value.Length}");
        }
    }
}
