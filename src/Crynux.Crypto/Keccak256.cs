using Org.BouncyCastle.Crypto.Digests;

namespace Crynux.Crypto;

/// <summary>Ethereum's Keccak-256 (original padding 0x01), which is not NIST SHA3-256.</summary>
public static class Keccak256
{
    public const int Size = 32;

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var output = new byte[Size];
        Hash(data, output);
        return output;
    }

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> output32)
    {
        if (output32.Length < Size)
        {
            throw new ArgumentException("output must hold 32 bytes", nameof(output32));
        }

        // KeccakDigest keeps state, so one per call.
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data);
        digest.DoFinal(output32);
    }
}
