using System.Security.Cryptography;
using Native = Secp256k1Net.Secp256k1;

namespace Crynux.Crypto;

/// <summary>A secp256k1 private key with its public key and EIP-55 address. <see cref="ToString"/> never shows the key.</summary>
public sealed class EthKey
{
    private readonly byte[] _publicKey;
    private readonly byte[] _compressedPublicKey;

    private readonly byte[] _key32;

    private EthKey(ReadOnlySpan<byte> key32)
    {
        _key32 = key32.ToArray();
        _publicKey = Native.CreatePublicKey(key32, compressed: false).AsSpan(1).ToArray();
        _compressedPublicKey = Native.CreatePublicKey(key32, compressed: true);
        Address = EthAddress.FromPublicKey(_publicKey);
    }

    /// <summary>The private key's 32 big-endian bytes (1 ≤ d &lt; n).</summary>
    internal ReadOnlySpan<byte> Key32 => _key32;

    /// <summary>The EIP-55 checksummed address.</summary>
    public string Address { get; }

    /// <summary>The 64-byte X‖Y public key (uncompressed SEC1 without the 0x04 prefix).</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The 33-byte compressed SEC1 public key.</summary>
    public byte[] CompressedPublicKey => (byte[])_compressedPublicKey.Clone();

    internal ReadOnlySpan<byte> CompressedPublicKeySpan => _compressedPublicKey;

    /// <summary>Parses a private key: whitespace trimmed, optional 0x, exactly 64 hex digits, 1 ≤ d &lt; n.</summary>
    public static EthKey FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var digits = Hex.StripPrefix(hex.Trim());
        if (digits.Length != 64)
        {
            throw new CryptoFormatException($"a private key has 64 hex digits, not {digits.Length}");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(digits);
        }
        catch (FormatException e)
        {
            throw new CryptoFormatException("the private key is not hex", e);
        }

        return FromBytes(bytes);
    }

    public static EthKey FromBytes(ReadOnlySpan<byte> key32)
    {
        if (key32.Length != 32)
        {
            throw new CryptoFormatException($"a private key has 32 bytes, not {key32.Length}");
        }

        if (!Curve.IsScalar(key32))
        {
            throw new CryptoFormatException("the private key is out of range (it must be in 1 .. n-1)");
        }

        return new EthKey(key32);
    }

    public static EthKey Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            if (Curve.IsScalar(bytes))
            {
                var key = new EthKey(bytes);
                CryptographicOperations.ZeroMemory(bytes);
                return key;
            }
        }
    }

    /// <summary>Signs a 32-byte hash as go-ethereum's crypto.Sign: RFC 6979 nonce, low-S, 65 bytes r‖s‖v with v ∈ {0,1}.</summary>
    public byte[] Sign(ReadOnlySpan<byte> hash32)
    {
        if (hash32.Length != 32)
        {
            throw new CryptoFormatException($"a signed hash has 32 bytes, not {hash32.Length}");
        }

        // libsecp256k1 signs in constant time with the RFC 6979 nonce, normalizes to low-S and adjusts the recovery id.
        var (compact, recoveryId) = Native.SignRecoverable(hash32, _key32);
        var signature = new byte[65];
        compact.CopyTo(signature, 0);
        signature[64] = recoveryId;
        return signature;
    }

    /// <summary>"0x" + 64 hex digits. Only for writing a generated devnet key to its file.</summary>
    public string ExportHex() => Hex.Encode(_key32);

    public override string ToString() => Address;
}
