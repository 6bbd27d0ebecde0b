using NBitcoin.Secp256k1;
using SHA256 = System.Security.Cryptography.SHA256;

namespace Crynux.Crypto.Bench.NBitcoinCandidate;

/// <summary>An ECVRF output: 32-byte beta and 81-byte proof (Gamma 33 ‖ c 16 ‖ s 32).</summary>


/// <summary>
/// ECVRF-SECP256K1-SHA256-TAI as vechain/go-ecvrf @96fa044 implements it (draft-06 layout, suite 0xFE, no trailing
/// zero separators, 4-point challenge). Not RFC 9381: a stock RFC library will not interoperate.
/// </summary>
internal static class NBitcoinEcvrf
{
    public const int ProofSize = 81;
    private const byte Suite = 0xFE;
    private const int PointSize = 33;
    private const int ChallengeSize = 16;

    public static VrfProof Prove(NBitcoinEthKey key, ReadOnlySpan<byte> alpha)
    {
        ArgumentNullException.ThrowIfNull(key);
        var proof = new byte[ProofSize];
        var beta = new byte[32];
        Prove(key, alpha, proof, beta);
        return new VrfProof(beta, proof);
    }

    /// <summary>Writes the 81-byte proof and the 32-byte beta. Secret scalars only meet constant-time multiplications.</summary>
    internal static void Prove(NBitcoinEthKey key, ReadOnlySpan<byte> alpha, Span<byte> proof81, Span<byte> beta32)
    {
        var x = key.D;
        var h = HashToCurve(key.CompressedPublicKeySpan, alpha);
        Span<byte> hString = stackalloc byte[PointSize];
        NBitcoinCurve.Compress(h, hString);
        var gamma = NBitcoinCurve.Multiply(h, x);

        Span<byte> message = stackalloc byte[32];
        SHA256.HashData(hString, message);
        NBitcoinCurve.ScalarReduced(message).WriteToSpan(message);
        Span<byte> state = stackalloc byte[64];
        var nonces = new NBitcoinRfc6979(key.Key32, message, state);
        var k = nonces.Next();
        nonces.Clear();

        Span<byte> c16 = proof81.Slice(PointSize, ChallengeSize);
        Challenge(hString, gamma, NBitcoinCurve.MultiplyG(k), NBitcoinCurve.Multiply(h, k), c16);
        var s = k + (NBitcoinCurve.ScalarReduced(c16) * x);
        Scalar.Clear(ref k);

        NBitcoinCurve.Compress(gamma, proof81[..PointSize]);
        s.WriteToSpan(proof81[(PointSize + ChallengeSize)..]);
        ProofToHash(proof81[..PointSize], beta32);
    }

    /// <summary>Returns beta for a valid proof, null for an invalid or malformed one. A malformed key throws.</summary>
    public static byte[]? Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> alpha, ReadOnlySpan<byte> proof)
    {
        var y = NBitcoinCurve.DecodePublicKey(publicKey);
        if (proof.Length != ProofSize || proof[0] is not (0x02 or 0x03) || !NBitcoinCurve.TryDecodePoint(proof[..PointSize], out var gamma))
        {
            return null;
        }

        var c16 = proof.Slice(PointSize, ChallengeSize);
        var c = NBitcoinCurve.ScalarReduced(c16);
        // The pinned Go code skips these checks; later go-ecvrf adds them and honest proofs always pass.
        if (c.IsZero || !NBitcoinCurve.TryScalar(proof[(PointSize + ChallengeSize)..], out var s) || s.IsZero)
        {
            return null;
        }

        Span<byte> yString = stackalloc byte[PointSize];
        NBitcoinCurve.Compress(y, yString);
        var h = HashToCurve(yString, alpha);
        Span<byte> hString = stackalloc byte[PointSize];
        NBitcoinCurve.Compress(h, hString);
        var minusC = c.Negate();
        var u = NBitcoinCurve.MultiplyPublic(y, minusC, s);
        var v = NBitcoinCurve.MultiplyPublic(h, s, gamma, minusC);
        Span<byte> expected = stackalloc byte[ChallengeSize];
        Challenge(hString, gamma, u, v, expected);
        if (!expected.SequenceEqual(c16))
        {
            return null;
        }

        var beta = new byte[32];
        ProofToHash(proof[..PointSize], beta);
        return beta;
    }

    /// <summary>The Crynux rule: a task goes to a validation group when beta (unsigned big-endian) mod 100 is 0.</summary>
    public static bool IsSelectedForValidation(ReadOnlySpan<byte> beta) =>
        new System.Numerics.BigInteger(beta, isUnsigned: true, isBigEndian: true) % 100 == 0;

    private static GE HashToCurve(ReadOnlySpan<byte> compressedPublicKey, ReadOnlySpan<byte> alpha)
    {
        var length = 2 + compressedPublicKey.Length + alpha.Length + 1;
        var rented = length <= 256 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        var input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        try
        {
            input[0] = Suite;
            input[1] = 0x01;
            compressedPublicKey.CopyTo(input[2..]);
            alpha.CopyTo(input[(2 + compressedPublicKey.Length)..]);
            Span<byte> x = stackalloc byte[32];
            for (var counter = 0; counter < 256; counter++)
            {
                input[^1] = (byte)counter;
                SHA256.HashData(input, x);
                if (NBitcoinCurve.TryLiftX(x, oddY: false, out var point))
                {
                    return point;
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }

        throw new CryptoFormatException("no curve point found for this VRF input");
    }

    private static void Challenge(ReadOnlySpan<byte> hString, in GE gamma, in GE u, in GE v, Span<byte> c16)
    {
        Span<byte> input = stackalloc byte[2 + (4 * PointSize)];
        input[0] = Suite;
        input[1] = 0x02;
        hString.CopyTo(input[2..]);
        NBitcoinCurve.Compress(gamma, input[35..]);
        NBitcoinCurve.Compress(u, input[68..]);
        NBitcoinCurve.Compress(v, input[101..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        hash[..ChallengeSize].CopyTo(c16);
    }

    private static void ProofToHash(ReadOnlySpan<byte> gammaString, Span<byte> beta32)
    {
        Span<byte> input = stackalloc byte[2 + PointSize];
        input[0] = Suite;
        input[1] = 0x03;
        gammaString.CopyTo(input[2..]);
        SHA256.HashData(input, beta32);
    }
}
