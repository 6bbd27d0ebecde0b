using Native = Secp256k1Net.Secp256k1;

namespace Crynux.Crypto;

/// <summary>
/// secp256k1 over Bitcoin Core's libsecp256k1 (the native library go-ethereum signs and recovers with), through
/// Secp256k1.Net. Points travel as SEC1 bytes; scalars as 32 big-endian bytes.
/// </summary>
internal static class Curve
{
    public const int CompressedSize = 33;

    /// <summary>The nonce function is an instance method; it touches no context state, so one instance serves every thread.</summary>
    private static readonly Native NonceSource = new();

    /// <summary>The group order n, big-endian.</summary>
    private static ReadOnlySpan<byte> N =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
        0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
    ];

    /// <summary>1 ≤ value &lt; n for a 32-byte big-endian integer.</summary>
    public static bool IsScalar(ReadOnlySpan<byte> value32) =>
        value32.Length == 32 && value32.ContainsAnyExcept((byte)0) && value32.SequenceCompareTo(N) < 0;

    /// <summary>Parses a public key: 64-byte X‖Y, or 33/65-byte SEC1 (hybrid 0x06/0x07 included); returns it as 33 or 65 SEC1 bytes.</summary>
    public static byte[] DecodePublicKey(ReadOnlySpan<byte> key)
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

        return IsPoint(encoded) ? encoded : throw new CryptoFormatException("not a point on secp256k1");
    }

    /// <summary>A 33- or 65-byte SEC1 encoding of a curve point (x and y below p, on the curve).</summary>
    public static bool IsPoint(ReadOnlySpan<byte> encoded) => encoded.Length is 33 or 65 && Native.IsValidPublicKey(encoded);

    public static byte[] Compress(ReadOnlySpan<byte> point) => point.Length == CompressedSize ? point.ToArray() : Native.CompressPublicKey(point);

    /// <summary>scalar·point, compressed. The scalar must be in 1 .. n−1.</summary>
    public static byte[] Multiply(ReadOnlySpan<byte> point, ReadOnlySpan<byte> scalar32) => Native.TweakPublicKeyMul(point, scalar32, compressed: true);

    /// <summary>scalar·G in constant time, compressed. The scalar must be in 1 .. n−1.</summary>
    public static byte[] MultiplyG(ReadOnlySpan<byte> scalar32) => Native.CreatePublicKey(scalar32, compressed: true);

    /// <summary>a + b, compressed; the point at infinity as Go's go-ecvrf writes it (0x02 ‖ 32 zero bytes).</summary>
    public static byte[] Add(byte[] a, byte[] b) => OrInfinity(() => Native.CombinePublicKeys([a, b], compressed: true));

    /// <summary>point + scalar·G in one libsecp256k1 multi-multiplication, compressed (infinity as <see cref="Add"/> writes it).</summary>
    public static byte[] AddMultipleOfG(byte[] point, byte[] scalar32) => OrInfinity(() => Native.TweakPublicKeyAdd(point, scalar32, compressed: true));

    /// <summary>
    /// a·P + b·G, compressed, in one libsecp256k1 multi-multiplication instead of two: ECDSA public-key recovery computes
    /// r⁻¹·(s·R − e·G) for the point R whose x is r, so R = P, s = a·r and e = −b·r give a·P + b·G. P's x must be below n
    /// (all but 2⁻¹²⁸ of points); otherwise, and for a sum at infinity, the two-call path answers.
    /// </summary>
    public static byte[] MultiplyAddMultipleOfG(byte[] point, ReadOnlySpan<byte> a32, ReadOnlySpan<byte> b32)
    {
        var x = point.AsSpan(1, 32);
        if (IsScalar(x))
        {
            var odd = point.Length == CompressedSize ? point[0] == 0x03 : (point[^1] & 1) == 1;
            Span<byte> signature = stackalloc byte[64];
            MultiplyScalars(a32, x).CopyTo(signature[32..]);
            x.CopyTo(signature);
            var e = MultiplyScalars(Negate(b32), x);
            try
            {
                return Native.RecoverPublicKey(signature, (byte)(odd ? 1 : 0), e, compressed: true);
            }
            catch (ArgumentException)
            {
                // Only a sum at infinity fails here; the path below writes it as go-ecvrf does.
            }
        }
        return AddMultipleOfG(Multiply(point, a32), b32.ToArray());
    }

    /// <summary>n − value for a scalar in 1 .. n−1.</summary>
    public static byte[] Negate(ReadOnlySpan<byte> scalar32) => Native.NegateSecretKey(scalar32);

    /// <summary>a·b mod n and a + b mod n for scalars; libsecp256k1 refuses a zero result (probability 2⁻²⁵⁶).</summary>
    public static byte[] MultiplyScalars(ReadOnlySpan<byte> a32, ReadOnlySpan<byte> b32) => Native.TweakSecretKeyMul(a32, b32);

    public static byte[] AddScalars(ReadOnlySpan<byte> a32, ReadOnlySpan<byte> b32) => Native.TweakSecretKeyAdd(a32, b32);

    /// <summary>The attempt-th RFC 6979 (HMAC-SHA256) nonce for key and message, as libsecp256k1's ECDSA signing draws it (message reduced mod n).</summary>
    public static void Rfc6979Nonce(ReadOnlySpan<byte> key32, ReadOnlySpan<byte> message32, uint attempt, Span<byte> nonce32)
    {
        if (!NonceSource.NonceFunctionRfc6979(nonce32, message32, key32, default, default, attempt))
        {
            throw new CryptographicNonceException();
        }
    }

    private static byte[] OrInfinity(Func<byte[]> sum)
    {
        try
        {
            return sum();
        }
        catch (ArgumentException)
        {
            // The inputs are valid points and scalars, so the only failure left is a sum at infinity.
            var infinity = new byte[CompressedSize];
            infinity[0] = 0x02;
            return infinity;
        }
    }

    /// <summary>libsecp256k1's RFC 6979 function cannot fail for valid input; this marks a broken native library.</summary>
    private sealed class CryptographicNonceException() : InvalidOperationException("libsecp256k1 did not produce an RFC 6979 nonce");
}
