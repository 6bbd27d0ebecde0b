using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Crynux.Crypto.Bench.Legacy;

/// <summary>An ECVRF output: 32-byte beta and 81-byte proof (Gamma 33 ‖ c 16 ‖ s 32).</summary>


/// <summary>
/// ECVRF-SECP256K1-SHA256-TAI as vechain/go-ecvrf @96fa044 implements it (draft-06 layout, suite 0xFE, no trailing
/// zero separators, 4-point challenge). Not RFC 9381: a stock RFC library will not interoperate.
/// </summary>
internal static class LegacyEcvrf
{
    public const int ProofSize = 81;
    private const byte Suite = 0xFE;

    public static VrfProof Prove(LegacyEthKey key, ReadOnlySpan<byte> alpha)
    {
        ArgumentNullException.ThrowIfNull(key);
        var x = key.D;
        var n = LegacySecp256k1.N;
        var h = HashToCurve(key.CompressedPublicKey, alpha);
        var hString = Compress(h);
        var gamma = h.Multiply(x).Normalize();

        var nonces = new HMacDsaKCalculator(new Sha256Digest());
        nonces.Init(n, x, SHA256.HashData(hString));
        var k = nonces.NextK();
        var c = Challenge(hString, gamma, LegacySecp256k1.MultiplyG(k), h.Multiply(k).Normalize());
        var s = k.Add(c.Multiply(x)).Mod(n);

        var proof = new byte[ProofSize];
        Compress(gamma).CopyTo(proof, 0);
        Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(c, proof, 33, 16);
        Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(s, proof, 49, 32);
        return new VrfProof(ProofToHash(gamma), proof);
    }

    /// <summary>Returns beta for a valid proof, null for an invalid or malformed one. A malformed key throws.</summary>
    public static byte[]? Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> alpha, ReadOnlySpan<byte> proof)
    {
        var y = LegacySecp256k1.DecodePublicKey(publicKey);
        if (proof.Length != ProofSize || proof[0] is not (0x02 or 0x03))
        {
            return null;
        }

        ECPoint gamma;
        try
        {
            gamma = LegacySecp256k1.DecodePoint(proof[..33].ToArray());
        }
        catch (CryptoFormatException)
        {
            return null;
        }

        var n = LegacySecp256k1.N;
        var c = LegacySecp256k1.ToInteger(proof[33..49]);
        var s = LegacySecp256k1.ToInteger(proof[49..]);
        // The pinned Go code skips these checks; later go-ecvrf adds them and honest proofs always pass.
        if (c.SignValue == 0 || s.SignValue == 0 || s.CompareTo(n) >= 0)
        {
            return null;
        }

        var h = HashToCurve(y.GetEncoded(true), alpha);
        var minusC = n.Subtract(c);
        var u = ECAlgorithms.SumOfTwoMultiplies(LegacySecp256k1.G, s, y, minusC).Normalize();
        var v = ECAlgorithms.SumOfTwoMultiplies(h, s, gamma, minusC).Normalize();
        return Challenge(Compress(h), gamma, u, v).Equals(c) ? ProofToHash(gamma) : null;
    }

    /// <summary>The Crynux rule: a task goes to a validation group when beta (unsigned big-endian) mod 100 is 0.</summary>
    public static bool IsSelectedForValidation(ReadOnlySpan<byte> beta) =>
        new System.Numerics.BigInteger(beta, isUnsigned: true, isBigEndian: true) % 100 == 0;

    private static ECPoint HashToCurve(ReadOnlySpan<byte> compressedPublicKey, ReadOnlySpan<byte> alpha)
    {
        var input = new byte[2 + compressedPublicKey.Length + alpha.Length + 1];
        input[0] = Suite;
        input[1] = 0x01;
        compressedPublicKey.CopyTo(input.AsSpan(2));
        alpha.CopyTo(input.AsSpan(2 + compressedPublicKey.Length));
        for (var counter = 0; counter < 256; counter++)
        {
            input[^1] = (byte)counter;
            var point = LegacySecp256k1.LiftX(new BigInteger(1, SHA256.HashData(input)), oddY: false);
            if (point is not null)
            {
                return point;
            }
        }

        throw new CryptoFormatException("no curve point found for this VRF input");
    }

    private static BigInteger Challenge(byte[] hString, ECPoint gamma, ECPoint u, ECPoint v)
    {
        var input = new byte[2 + 4 * 33];
        input[0] = Suite;
        input[1] = 0x02;
        hString.CopyTo(input, 2);
        Compress(gamma).CopyTo(input, 35);
        Compress(u).CopyTo(input, 68);
        Compress(v).CopyTo(input, 101);
        return new BigInteger(1, SHA256.HashData(input), 0, 16);
    }

    private static byte[] ProofToHash(ECPoint gamma)
    {
        var input = new byte[2 + 33];
        input[0] = Suite;
        input[1] = 0x03;
        Compress(gamma).CopyTo(input, 2);
        return SHA256.HashData(input);
    }

    // Go writes the point at infinity as 0x02 ‖ 32 zero bytes; BouncyCastle as one 0x00 byte.
    private static byte[] Compress(ECPoint point)
    {
        if (point.IsInfinity)
        {
            var infinity = new byte[33];
            infinity[0] = 0x02;
            return infinity;
        }

        return point.GetEncoded(true);
    }
}
