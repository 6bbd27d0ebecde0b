using System.Numerics;

namespace Crynux.Crypto.Tests;

/// <summary>The one-call a·P + b·G (through ECDSA recovery) against the two-call path it replaces.</summary>
public class CurveTests
{
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void One_call_matches_two_calls_for_either_parity_and_encoding(int seed)
    {
        var random = new Random(seed);
        var key = EthKey.FromHex(Hex.Encode(Scalar(random), prefix: false));
        var a = Scalar(random);
        var b = Scalar(random);
        var expected = Curve.AddMultipleOfG(Curve.Multiply(key.CompressedPublicKey, a), b);
        Assert.Equal(expected, Curve.MultiplyAddMultipleOfG(key.CompressedPublicKey, a, b));
        Assert.Equal(expected, Curve.MultiplyAddMultipleOfG([0x04, .. key.PublicKey], a, b));
    }

    [Fact]
    public void A_point_whose_x_is_not_below_n_takes_the_two_call_path()
    {
        // The first x ≥ n that is on the curve: recovery cannot take it as r.
        var point = new byte[33];
        point[0] = 0x02;
        for (var x = N; ; x++)
        {
            x.ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(point.AsSpan(1));
            if (Curve.IsPoint(point))
            {
                break;
            }
        }
        var a = Scalar(new Random(11));
        var b = Scalar(new Random(12));
        Assert.Equal(Curve.AddMultipleOfG(Curve.Multiply(point, a), b), Curve.MultiplyAddMultipleOfG(point, a, b));
    }

    [Fact]
    public void A_sum_at_infinity_is_written_as_go_ecvrf_writes_it()
    {
        // a·G + (n − a)·G = infinity.
        var g = Curve.MultiplyG(One());
        var a = Scalar(new Random(13));
        var sum = Curve.MultiplyAddMultipleOfG(g, a, Curve.Negate(a));
        Assert.Equal([0x02, .. new byte[32]], sum);
    }

    private static byte[] One()
    {
        var one = new byte[32];
        one[31] = 1;
        return one;
    }

    private static byte[] Scalar(Random random)
    {
        var bytes = new byte[32];
        do
        {
            random.NextBytes(bytes);
        }
        while (!Curve.IsScalar(bytes));
        return bytes;
    }
}
