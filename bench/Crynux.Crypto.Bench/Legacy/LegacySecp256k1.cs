using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Utilities;

namespace Crynux.Crypto.Bench.Legacy;

/// <summary>Shared curve parameters and point helpers. The parameters are immutable, so they are shared statically.</summary>
internal static class LegacySecp256k1
{
    private static readonly X9ECParameters Parameters = CustomNamedCurves.GetByName("secp256k1");
    private static readonly FixedPointCombMultiplier GeneratorMultiplier = new();

    public static readonly ECCurve Curve = Parameters.Curve;
    public static readonly ECPoint G = Parameters.G;
    public static readonly BigInteger N = Parameters.N;
    public static readonly BigInteger HalfN = Parameters.N.ShiftRight(1);
    public static readonly BigInteger P = Parameters.Curve.Field.Characteristic;

    public static ECPoint MultiplyG(BigInteger k) => GeneratorMultiplier.Multiply(G, k).Normalize();

    public static byte[] ToBytes32(BigInteger value) => BigIntegers.AsUnsignedByteArray(32, value);

    public static BigInteger ToInteger(ReadOnlySpan<byte> bytes) => new(1, bytes);

    /// <summary>Parses a public key: 64-byte X‖Y, or 33/65-byte SEC1.</summary>
    public static ECPoint DecodePublicKey(ReadOnlySpan<byte> key)
    {
        byte[] encoded;
        if (key.Length == 64)
        {
            encoded = new byte[65];
            encoded[0] = 0x04;
            key.CopyTo(encoded.AsSpan(1));
        }
        else if (key.Length is 33 or 65)
        {
            encoded = key.ToArray();
        }
        else
        {
            throw new CryptoFormatException($"a public key has 64, 33 or 65 bytes, not {key.Length}");
        }

        var point = DecodePoint(encoded);
        if (point.IsInfinity)
        {
            throw new CryptoFormatException("the public key is the point at infinity");
        }

        return point;
    }

    public static ECPoint DecodePoint(byte[] encoded)
    {
        try
        {
            return Curve.DecodePoint(encoded).Normalize();
        }
        catch (ArgumentException e)
        {
            throw new CryptoFormatException("not a point on secp256k1", e);
        }
    }

    /// <summary>The point with X = x and even (or odd) Y, or null when x is not on the curve.</summary>
    public static ECPoint? LiftX(BigInteger x, bool oddY)
    {
        if (x.SignValue < 0 || x.CompareTo(P) >= 0)
        {
            return null;
        }

        var fx = Curve.FromBigInteger(x);
        var fy = fx.Square().Multiply(fx).Add(Curve.B).Sqrt();
        if (fy is null)
        {
            return null;
        }

        if (fy.TestBitZero() != oddY)
        {
            fy = fy.Negate();
        }

        return Curve.CreatePoint(x, fy.ToBigInteger()).Normalize();
    }

    public static byte[] PublicKey64(ECPoint point)
    {
        var encoded = point.Normalize().GetEncoded(false);
        return encoded.AsSpan(1).ToArray();
    }
}
