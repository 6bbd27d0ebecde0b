using NBitcoin.Secp256k1;

namespace Crynux.Crypto.Bench.NBitcoinCandidate;

/// <summary>secp256k1 helpers over NBitcoin.Secp256k1's constant-time field, scalar and group types. No heap allocation.</summary>
internal static class NBitcoinCurve
{
    /// <summary>p − n: an x-coordinate r + n exists only for r below it.</summary>
    private static readonly FE PMinusN = FE.CONST(0, 0, 0, 1, 0x45512319U, 0x50B75FC4U, 0x402DA172U, 0x2FC9BAEEU);

    private static readonly FE NAsField = FE.CONST(
        0xFFFFFFFFU, 0xFFFFFFFFU, 0xFFFFFFFFU, 0xFFFFFFFEU, 0xBAAEDCE6U, 0xAF48A03BU, 0xBFD25E8CU, 0xD0364141U);

    /// <summary>k·G in constant time (the generator's precomputed comb).</summary>
    public static GE MultiplyG(in Scalar k) => Normalize(ECMultGenContext.Instance.MultGen(k).ToGroupElement());

    /// <summary>k·P in constant time, for secret k.</summary>
    public static GE Multiply(in GE point, in Scalar k) => Normalize(point.MultConst(k, 256).ToGroupElement());

    /// <summary>a·A + g·G in variable time, for public scalars only.</summary>
    public static GE MultiplyPublic(in GE a, in Scalar na, in Scalar? ng) =>
        Normalize(ECMultContext.Instance.Mult(a.ToGroupElementJacobian(), na, ng).ToGroupElementVariable());

    /// <summary>a·A + b·B in variable time, for public scalars only.</summary>
    public static GE MultiplyPublic(in GE a, in Scalar na, in GE b, in Scalar nb)
    {
        var context = ECMultContext.Instance;
        var sum = context.Mult(a.ToGroupElementJacobian(), na, null).AddVariable(context.Mult(b.ToGroupElementJacobian(), nb, null));
        return Normalize(sum.ToGroupElementVariable());
    }

    /// <summary>A 32-byte big-endian integer as a scalar; false when it is not below n.</summary>
    public static bool TryScalar(ReadOnlySpan<byte> bytes32, out Scalar scalar)
    {
        scalar = new Scalar(bytes32, out var overflow);
        return overflow == 0;
    }

    /// <summary>Up to 32 big-endian bytes, zero-extended on the left, as a scalar reduced mod n.</summary>
    public static Scalar ScalarReduced(ReadOnlySpan<byte> bytes)
    {
        Span<byte> padded = stackalloc byte[32];
        padded.Clear();
        bytes.CopyTo(padded[(32 - bytes.Length)..]);
        return new Scalar(padded, out _);
    }

    /// <summary>Parses a public key: 64-byte X‖Y, or 33/65-byte SEC1 (hybrid 0x06/0x07 included, as before).</summary>
    public static GE DecodePublicKey(ReadOnlySpan<byte> key)
    {
        Span<byte> encoded = stackalloc byte[65];
        if (key.Length == 64)
        {
            encoded[0] = 0x04;
            key.CopyTo(encoded[1..]);
        }
        else if (key.Length is 33 or 65)
        {
            encoded = encoded[..key.Length];
            key.CopyTo(encoded);
        }
        else
        {
            throw new CryptoFormatException($"a public key has 64, 33 or 65 bytes, not {key.Length}");
        }

        return TryDecodePoint(encoded, out var point) ? point : throw new CryptoFormatException("not a point on secp256k1");
    }

    /// <summary>A 33- or 65-byte SEC1 point on the curve (never infinity), normalized.</summary>
    public static bool TryDecodePoint(ReadOnlySpan<byte> encoded, out GE point)
    {
        if (!GE.TryParse(encoded, out point))
        {
            return false;
        }

        point = Normalize(point);
        return true;
    }

    /// <summary>The point with X = x (32 big-endian bytes) and the given Y parity; false when x ≥ p or is no curve X.</summary>
    public static bool TryLiftX(ReadOnlySpan<byte> x32, bool oddY, out GE point)
    {
        point = default;
        return FE.TryCreate(x32, out var x) && GE.TryCreateXOVariable(x, oddY, out point) && Assign(ref point);
    }

    /// <summary>Lifts r + n (for a recovery id with bit 1 set); false when r + n ≥ p or is no curve X.</summary>
    public static bool TryLiftXPlusN(ReadOnlySpan<byte> r32, bool oddY, out GE point)
    {
        point = default;
        if (!FE.TryCreate(r32, out var x) || x.CompareToVariable(PMinusN) >= 0)
        {
            return false;
        }

        return GE.TryCreateXOVariable(x + NAsField, oddY, out point) && Assign(ref point);
    }

    /// <summary>33-byte SEC1; the point at infinity as 0x02 ‖ 32 zero bytes, as Go writes it.</summary>
    public static void Compress(in GE point, Span<byte> output33)
    {
        if (point.IsInfinity)
        {
            output33[..33].Clear();
            output33[0] = 0x02;
            return;
        }

        output33[0] = point.y.IsOdd ? (byte)0x03 : (byte)0x02;
        point.x.WriteToSpan(output33[1..33]);
    }

    /// <summary>The 64-byte X‖Y form.</summary>
    public static void WriteXY(in GE point, Span<byte> output64)
    {
        point.x.WriteToSpan(output64[..32]);
        point.y.WriteToSpan(output64[32..64]);
    }

    private static GE Normalize(in GE point) =>
        point.IsInfinity ? point : new GE(point.x.NormalizeVariable(), point.y.NormalizeVariable());

    private static bool Assign(ref GE point)
    {
        point = Normalize(point);
        return true;
    }
}
