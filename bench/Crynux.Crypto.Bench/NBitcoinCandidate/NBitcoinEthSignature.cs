using System.Globalization;
using System.Text;
using NBitcoin.Secp256k1;

namespace Crynux.Crypto.Bench.NBitcoinCandidate;

/// <summary>Recovery and verification of 65-byte r‖s‖v secp256k1 signatures, as go-ethereum does them.</summary>
internal static class NBitcoinEthSignature
{
    /// <summary>Recovers the 64-byte public key. v must be 0..3, or 27..30 when <paramref name="allowLegacyV"/> is set.</summary>
    public static byte[] RecoverPublicKey(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature65, bool allowLegacyV = false)
    {
        var publicKey = new byte[64];
        NBitcoinCurve.WriteXY(Recover(hash32, signature65, allowLegacyV), publicKey);
        return publicKey;
    }

    public static string RecoverAddress(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature65, bool allowLegacyV = false)
    {
        Span<byte> publicKey = stackalloc byte[64];
        NBitcoinCurve.WriteXY(Recover(hash32, signature65, allowLegacyV), publicKey);
        return EthAddress.FromPublicKey(publicKey);
    }

    /// <summary>Verifies r‖s over a 32-byte hash; false for high-S signatures, as go-ethereum's VerifySignature.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey64, ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature64)
    {
        RequireLength(hash32, 32, "hash");
        RequireLength(signature64, 64, "signature without v");
        var q = NBitcoinCurve.DecodePublicKey(publicKey64);
        if (!NBitcoinCurve.TryScalar(signature64[..32], out var r) || r.IsZero ||
            !NBitcoinCurve.TryScalar(signature64[32..], out var s) || s.IsZero || s.IsHigh)
        {
            return false;
        }

        var w = s.InverseVariable();
        var point = NBitcoinCurve.MultiplyPublic(q, r * w, NBitcoinCurve.ScalarReduced(hash32) * w);
        if (point.IsInfinity)
        {
            return false;
        }

        Span<byte> x = stackalloc byte[32];
        point.x.WriteToSpan(x);
        return new Scalar(x, out _) == r;
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

    internal static GE Recover(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature65, bool allowLegacyV)
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

        var r32 = signature65[..32];
        if (!NBitcoinCurve.TryScalar(r32, out var r) || r.IsZero || !NBitcoinCurve.TryScalar(signature65[32..64], out var s) || s.IsZero)
        {
            throw new CryptoFormatException("signature r or s is out of range");
        }

        var oddY = (v & 1) != 0;
        GE rPoint;
        if (!((v & 2) != 0 ? NBitcoinCurve.TryLiftXPlusN(r32, oddY, out rPoint) : NBitcoinCurve.TryLiftX(r32, oddY, out rPoint)))
        {
            throw new CryptoFormatException("signature r is not the x of a curve point");
        }

        // Q = r⁻¹·(s·R − e·G)
        var rInverse = r.InverseVariable();
        var q = NBitcoinCurve.MultiplyPublic(rPoint, s * rInverse, (NBitcoinCurve.ScalarReduced(hash32) * rInverse).Negate());
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
