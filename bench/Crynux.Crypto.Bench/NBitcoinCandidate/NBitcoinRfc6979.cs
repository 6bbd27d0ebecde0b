using System.Security.Cryptography;
using NBitcoin.Secp256k1;
using HMACSHA256 = System.Security.Cryptography.HMACSHA256;

namespace Crynux.Crypto.Bench.NBitcoinCandidate;

/// <summary>
/// RFC 6979 deterministic nonces with HMAC-SHA256: seed = private key ‖ (message mod n), both 32 bytes, no extra data;
/// candidates outside 1 .. n−1 are skipped. The same nonces as go-ethereum's libsecp256k1 and BouncyCastle's
/// HMacDsaKCalculator. Stack buffers and .NET's one-shot HMAC: nothing on the heap.
/// </summary>
internal ref struct NBitcoinRfc6979
{
    private Span<byte> _k;
    private Span<byte> _v;
    private bool _started;

    /// <param name="key32">The private key, 32 bytes.</param>
    /// <param name="message32">The message (hash) already reduced mod n, 32 bytes.</param>
    /// <param name="state64">Scratch that holds K and V; zeroed by <see cref="Clear"/>.</param>
    public NBitcoinRfc6979(ReadOnlySpan<byte> key32, ReadOnlySpan<byte> message32, Span<byte> state64)
    {
        _k = state64[..32];
        _v = state64[32..64];
        _started = false;
        _v.Fill(0x01);
        _k.Clear();
        Span<byte> input = stackalloc byte[32 + 1 + 64];
        key32.CopyTo(input[33..]);
        message32.CopyTo(input[65..]);
        for (byte round = 0; round < 2; round++)
        {
            _v.CopyTo(input);
            input[32] = round;
            Update(_k, input);
            Update(_v, _v);
        }

        CryptographicOperations.ZeroMemory(input);
    }

    /// <summary>The next nonce in 1 .. n−1.</summary>
    public Scalar Next()
    {
        Span<byte> retry = stackalloc byte[33];
        while (true)
        {
            if (_started)
            {
                _v.CopyTo(retry);
                retry[32] = 0x00;
                Update(_k, retry);
                Update(_v, _v);
            }

            _started = true;
            Update(_v, _v);
            if (NBitcoinCurve.TryScalar(_v, out var nonce) && !nonce.IsZero)
            {
                return nonce;
            }
        }
    }

    /// <summary>target = HMAC_K(data), through a copy so that target may be K or the data itself.</summary>
    private readonly void Update(Span<byte> target, ReadOnlySpan<byte> data)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_k, data, mac);
        mac.CopyTo(target);
        CryptographicOperations.ZeroMemory(mac);
    }

    public readonly void Clear()
    {
        CryptographicOperations.ZeroMemory(_k);
        CryptographicOperations.ZeroMemory(_v);
    }
}
