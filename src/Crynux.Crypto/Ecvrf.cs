using System.Security.Cryptography;

namespace Crynux.Crypto;

/// <summary>
/// ECVRF-SECP256K1-SHA256-TAI as vechain/go-ecvrf @96fa044 implements it (draft-06 layout, suite 0xFE, no trailing
/// zero separators, 4-point challenge). Not RFC 9381: a stock RFC library will not interoperate.
/// </summary>
public static class Ecvrf
{
    public const int ProofSize = 81;
    private const byte Suite = 0xFE;
    private const int PointSize = Curve.CompressedSize;
    private const int ChallengeSize = 16;

    /// <summary>
    /// Gamma = x·H, k·G and k·H on libsecp256k1, then s = k + c·x mod n. k·G is constant-time; the two multiplications of
    /// H go through libsecp256k1's point tweak, which is variable-time, as the BouncyCastle code before it was.
    /// </summary>
    public static VrfProof Prove(EthKey key, ReadOnlySpan<byte> alpha)
    {
        ArgumentNullException.ThrowIfNull(key);
        var x = key.Key32;
        var h = HashToCurve(key.CompressedPublicKeySpan, alpha);
        var gamma = Curve.Multiply(h, x);

        Span<byte> message = stackalloc byte[32];
        SHA256.HashData(h, message);
        Span<byte> k = stackalloc byte[32];
        for (var attempt = 0u; ; attempt++)
        {
            Curve.Rfc6979Nonce(x, message, attempt, k);
            if (Curve.IsScalar(k))
            {
                break;
            }
        }

        var proof = new byte[ProofSize];
        Span<byte> c32 = stackalloc byte[32];
        c32.Clear();
        Challenge(h, gamma, Curve.MultiplyG(k), Curve.Multiply(h, k), c32[ChallengeSize..]);
        var s = Curve.AddScalars(k, Curve.MultiplyScalars(x, c32));
        CryptographicOperations.ZeroMemory(k);

        gamma.CopyTo(proof, 0);
        c32[ChallengeSize..].CopyTo(proof.AsSpan(PointSize));
        s.CopyTo(proof, PointSize + ChallengeSize);
        return new VrfProof(ProofToHash(gamma), proof);
    }

    /// <summary>Returns beta for a valid proof, null for an invalid or malformed one. A malformed key throws.</summary>
    public static byte[]? Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> alpha, ReadOnlySpan<byte> proof)
    {
        var y = Curve.DecodePublicKey(publicKey);
        if (proof.Length != ProofSize || proof[0] is not (0x02 or 0x03) || !Curve.IsPoint(proof[..PointSize]))
        {
            return null;
        }

        var gamma = proof[..PointSize].ToArray();
        Span<byte> c32 = stackalloc byte[32];
        c32.Clear();
        proof.Slice(PointSize, ChallengeSize).CopyTo(c32[ChallengeSize..]);
        var s = proof[(PointSize + ChallengeSize)..];
        // The pinned Go code skips these checks; later go-ecvrf adds them and honest proofs always pass.
        if (!Curve.IsScalar(c32) || !Curve.IsScalar(s))
        {
            return null;
        }

        var h = HashToCurve(Curve.Compress(y), alpha);
        var minusC = Curve.Negate(c32);
        var u = Curve.MultiplyAddMultipleOfG(y, minusC, s);
        var v = Curve.Add(Curve.Multiply(h, s), Curve.Multiply(gamma, minusC));
        Span<byte> expected = stackalloc byte[ChallengeSize];
        Challenge(h, gamma, u, v, expected);
        return expected.SequenceEqual(c32[ChallengeSize..]) ? ProofToHash(gamma) : null;
    }

    /// <summary>The Crynux rule: a task goes to a validation group when beta (unsigned big-endian) mod 100 is 0.</summary>
    public static bool IsSelectedForValidation(ReadOnlySpan<byte> beta) =>
        new System.Numerics.BigInteger(beta, isUnsigned: true, isBigEndian: true) % 100 == 0;

    /// <summary>Try-and-increment: the first SHA-256 output that is the X of a point, with even Y (SEC1 0x02 ‖ X).</summary>
    private static byte[] HashToCurve(ReadOnlySpan<byte> compressedPublicKey, ReadOnlySpan<byte> alpha)
    {
        var input = new byte[2 + compressedPublicKey.Length + alpha.Length + 1];
        input[0] = Suite;
        input[1] = 0x01;
        compressedPublicKey.CopyTo(input.AsSpan(2));
        alpha.CopyTo(input.AsSpan(2 + compressedPublicKey.Length));
        var point = new byte[PointSize];
        point[0] = 0x02;
        for (var counter = 0; counter < 256; counter++)
        {
            input[^1] = (byte)counter;
            SHA256.HashData(input, point.AsSpan(1));
            if (Curve.IsPoint(point))
            {
                return point;
            }
        }

        throw new CryptoFormatException("no curve point found for this VRF input");
    }

    private static void Challenge(ReadOnlySpan<byte> hString, ReadOnlySpan<byte> gamma, ReadOnlySpan<byte> u, ReadOnlySpan<byte> v, Span<byte> c16)
    {
        Span<byte> input = stackalloc byte[2 + (4 * PointSize)];
        input[0] = Suite;
        input[1] = 0x02;
        hString.CopyTo(input[2..]);
        gamma.CopyTo(input[35..]);
        u.CopyTo(input[68..]);
        v.CopyTo(input[101..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        hash[..ChallengeSize].CopyTo(c16);
    }

    private static byte[] ProofToHash(ReadOnlySpan<byte> gamma)
    {
        Span<byte> input = stackalloc byte[2 + PointSize];
        input[0] = Suite;
        input[1] = 0x03;
        gamma.CopyTo(input[2..]);
        return SHA256.HashData(input);
    }
}
