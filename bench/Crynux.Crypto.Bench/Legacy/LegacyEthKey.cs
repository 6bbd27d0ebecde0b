using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;

namespace Crynux.Crypto.Bench.Legacy;

/// <summary>The BouncyCastle implementation before NBitcoin.Secp256k1, for the benchmark only. A secp256k1 private key with its public key and EIP-55 address. <see cref="ToString"/> never shows the key.</summary>
internal sealed class LegacyEthKey
{
    private readonly byte[] _publicKey;
    private readonly byte[] _compressedPublicKey;

    private LegacyEthKey(BigInteger d)
    {
        D = d;
        var q = LegacySecp256k1.MultiplyG(d);
        PublicPoint = q;
        _publicKey = LegacySecp256k1.PublicKey64(q);
        _compressedPublicKey = q.GetEncoded(true);
        Address = EthAddress.FromPublicKey(_publicKey);
    }

    internal BigInteger D { get; }

    internal Org.BouncyCastle.Math.EC.ECPoint PublicPoint { get; }

    /// <summary>The EIP-55 checksummed address.</summary>
    public string Address { get; }

    /// <summary>The 64-byte X‖Y public key (uncompressed SEC1 without the 0x04 prefix).</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The 33-byte compressed SEC1 public key.</summary>
    public byte[] CompressedPublicKey => (byte[])_compressedPublicKey.Clone();

    public static LegacyEthKey FromHex(string hex) => new(LegacySecp256k1.ToInteger(Convert.FromHexString(hex.AsSpan(2))));

    /// <summary>Signs a 32-byte hash as go-ethereum's crypto.Sign: RFC 6979 nonce, low-S, 65 bytes r‖s‖v with v ∈ {0,1}.</summary>
    public byte[] Sign(ReadOnlySpan<byte> hash32)
    {
        if (hash32.Length != 32)
        {
            throw new CryptoFormatException($"a signed hash has 32 bytes, not {hash32.Length}");
        }

        var n = LegacySecp256k1.N;
        var e = LegacySecp256k1.ToInteger(hash32);
        var nonces = new HMacDsaKCalculator(new Sha256Digest()); // stateful: one per signature
        nonces.Init(n, D, hash32.ToArray());
        while (true)
        {
            var k = nonces.NextK();
            var point = LegacySecp256k1.MultiplyG(k);
            var x = point.AffineXCoord.ToBigInteger();
            var r = x.Mod(n);
            if (r.SignValue == 0)
            {
                continue;
            }

            var s = k.ModInverse(n).Multiply(e.Add(r.Multiply(D))).Mod(n);
            if (s.SignValue == 0)
            {
                continue;
            }

            var recoveryId = (point.AffineYCoord.TestBitZero() ? 1 : 0) | (x.CompareTo(n) >= 0 ? 2 : 0);
            if (s.CompareTo(LegacySecp256k1.HalfN) > 0)
            {
                s = n.Subtract(s);
                recoveryId ^= 1;
            }

            var signature = new byte[65];
            Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(r, signature, 0, 32);
            Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(s, signature, 32, 32);
            signature[64] = (byte)recoveryId;
            return signature;
        }
    }

    public override string ToString() => Address;
}
