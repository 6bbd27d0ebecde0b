using NBitcoin.Secp256k1;

namespace Crynux.Crypto.Bench.NBitcoinCandidate;

/// <summary>The NBitcoin.Secp256k1 candidate, measured against libsecp256k1 and BouncyCastle; benchmark only. A secp256k1 private key with its public key and EIP-55 address. <see cref="ToString"/> never shows the key.</summary>
internal sealed class NBitcoinEthKey
{
    private readonly byte[] _publicKey;
    private readonly byte[] _compressedPublicKey;

    private readonly byte[] _key32;

    private NBitcoinEthKey(ReadOnlySpan<byte> key32, in Scalar d)
    {
        _key32 = key32.ToArray();
        D = d;
        var q = NBitcoinCurve.MultiplyG(d);
        _publicKey = new byte[64];
        NBitcoinCurve.WriteXY(q, _publicKey);
        _compressedPublicKey = new byte[33];
        NBitcoinCurve.Compress(q, _compressedPublicKey);
        Address = EthAddress.FromPublicKey(_publicKey);
    }

    internal Scalar D { get; }

    /// <summary>The private key's 32 big-endian bytes, the RFC 6979 seed.</summary>
    internal ReadOnlySpan<byte> Key32 => _key32;

    /// <summary>The EIP-55 checksummed address.</summary>
    public string Address { get; }

    /// <summary>The 64-byte X‖Y public key (uncompressed SEC1 without the 0x04 prefix).</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The 33-byte compressed SEC1 public key.</summary>
    public byte[] CompressedPublicKey => (byte[])_compressedPublicKey.Clone();

    internal ReadOnlySpan<byte> CompressedPublicKeySpan => _compressedPublicKey;

    public static NBitcoinEthKey FromHex(string hex) => FromBytes(Convert.FromHexString(hex.AsSpan(2)));

    public static NBitcoinEthKey FromBytes(ReadOnlySpan<byte> key32)
    {
        if (key32.Length != 32)
        {
            throw new CryptoFormatException($"a private key has 32 bytes, not {key32.Length}");
        }

        if (!NBitcoinCurve.TryScalar(key32, out var d) || d.IsZero)
        {
            throw new CryptoFormatException("the private key is out of range (it must be in 1 .. n-1)");
        }

        return new NBitcoinEthKey(key32, d);
    }

    /// <summary>Signs a 32-byte hash as go-ethereum's crypto.Sign: RFC 6979 nonce, low-S, 65 bytes r‖s‖v with v ∈ {0,1}.</summary>
    public byte[] Sign(ReadOnlySpan<byte> hash32)
    {
        if (hash32.Length != 32)
        {
            throw new CryptoFormatException($"a signed hash has 32 bytes, not {hash32.Length}");
        }

        var signature = new byte[65];
        SignTo(hash32, signature);
        return signature;
    }

    /// <summary>r‖s‖v into 65 bytes: k·G in constant time, s = k⁻¹(e + r·d), negated when high (flipping v's parity bit).</summary>
    internal void SignTo(ReadOnlySpan<byte> hash32, Span<byte> signature65)
    {
        var e = NBitcoinCurve.ScalarReduced(hash32);
        Span<byte> message = stackalloc byte[32];
        e.WriteToSpan(message);
        Span<byte> state = stackalloc byte[64];
        var nonces = new NBitcoinRfc6979(_key32, message, state);
        try
        {
            while (true)
            {
                var k = nonces.Next();
                var point = NBitcoinCurve.MultiplyG(k);
                point.x.WriteToSpan(signature65[..32]);
                var r = new Scalar(signature65[..32], out var xAtLeastN);
                if (r.IsZero)
                {
                    continue;
                }

                var s = k.Inverse() * (e + (r * D));
                if (s.IsZero)
                {
                    continue;
                }

                var recoveryId = (point.y.IsOdd ? 1 : 0) | (xAtLeastN != 0 ? 2 : 0);
                if (s.IsHigh)
                {
                    s = s.Negate();
                    recoveryId ^= 1;
                }

                r.WriteToSpan(signature65[..32]);
                s.WriteToSpan(signature65[32..64]);
                signature65[64] = (byte)recoveryId;
                return;
            }
        }
        finally
        {
            nonces.Clear();
        }
    }

    public override string ToString() => Address;
}
