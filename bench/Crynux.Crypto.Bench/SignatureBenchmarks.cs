using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Crynux.Crypto.Bench.Legacy;
using Crynux.Crypto.Bench.NBitcoinCandidate;

namespace Crynux.Crypto.Bench;

/// <summary>
/// The operations the bridge runs per Relay request (sign) and per task (VRF prove); the devnet verifies. Each category
/// compares Crynux.Crypto (native libsecp256k1 through Secp256k1.Net) with the BouncyCastle implementation it replaced
/// (Legacy/, the baseline) and with the managed NBitcoin.Secp256k1 port that was tried first (NBitcoinCandidate/).
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SignatureBenchmarks
{
    private const string KeyHex = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    private static readonly EthKey Key = EthKey.FromHex(KeyHex);
    private static readonly LegacyEthKey OldKey = LegacyEthKey.FromHex(KeyHex);
    private static readonly NBitcoinEthKey ManagedKey = NBitcoinEthKey.FromHex(KeyHex);
    private static readonly byte[] Hash = Keccak256.Hash("benchmark"u8);
    private static readonly byte[] Signature = Key.Sign(Hash);
    private static readonly byte[] Alpha = Keccak256.Hash("sampling seed"u8);
    private static readonly byte[] Proof = Ecvrf.Prove(Key, Alpha).Proof;
    private static readonly JsonObject GetTaskPayload = new() { ["task_id_commitment"] = Hex.Encode(Hash) };

    /// <summary>The three implementations must agree byte for byte before their speeds mean anything.</summary>
    [GlobalSetup]
    public void CheckTheImplementationsAgree()
    {
        var proof = Ecvrf.Prove(Key, Alpha);
        if (!Key.Sign(Hash).AsSpan().SequenceEqual(OldKey.Sign(Hash)) || !Key.Sign(Hash).AsSpan().SequenceEqual(ManagedKey.Sign(Hash))
            || !proof.Proof.AsSpan().SequenceEqual(LegacyEcvrf.Prove(OldKey, Alpha).Proof) || !proof.Proof.AsSpan().SequenceEqual(NBitcoinEcvrf.Prove(ManagedKey, Alpha).Proof)
            || RecoverBouncyCastle() != Recover() || RecoverNBitcoin() != Recover() || VrfVerifyBouncyCastle() is null || VrfVerifyNBitcoin() is null || VrfVerify() is null)
        {
            throw new InvalidOperationException("the implementations disagree");
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Sign")]
    public byte[] SignBouncyCastle() => OldKey.Sign(Hash);

    [Benchmark, BenchmarkCategory("Sign")]
    public byte[] SignNBitcoin() => ManagedKey.Sign(Hash);

    [Benchmark, BenchmarkCategory("Sign")]
    public byte[] Sign() => Key.Sign(Hash);

    [Benchmark, BenchmarkCategory("SignRequest")]
    public string SignRequest() => SignedRequest.Sign(Key, GetTaskPayload, 1700000000);

    [Benchmark(Baseline = true), BenchmarkCategory("Recover")]
    public string RecoverBouncyCastle() => LegacyEthSignature.RecoverAddress(Hash, Signature);

    [Benchmark, BenchmarkCategory("Recover")]
    public string RecoverNBitcoin() => NBitcoinEthSignature.RecoverAddress(Hash, Signature);

    [Benchmark, BenchmarkCategory("Recover")]
    public string Recover() => EthSignature.RecoverAddress(Hash, Signature);

    [Benchmark(Baseline = true), BenchmarkCategory("VrfProve")]
    public byte[] VrfProveBouncyCastle() => LegacyEcvrf.Prove(OldKey, Alpha).Beta;

    [Benchmark, BenchmarkCategory("VrfProve")]
    public byte[] VrfProveNBitcoin() => NBitcoinEcvrf.Prove(ManagedKey, Alpha).Beta;

    [Benchmark, BenchmarkCategory("VrfProve")]
    public byte[] VrfProve() => Ecvrf.Prove(Key, Alpha).Beta;

    [Benchmark(Baseline = true), BenchmarkCategory("VrfVerify")]
    public byte[]? VrfVerifyBouncyCastle() => LegacyEcvrf.Verify(Key.PublicKey, Alpha, Proof);

    [Benchmark, BenchmarkCategory("VrfVerify")]
    public byte[]? VrfVerifyNBitcoin() => NBitcoinEcvrf.Verify(Key.PublicKey, Alpha, Proof);

    [Benchmark, BenchmarkCategory("VrfVerify")]
    public byte[]? VrfVerify() => Ecvrf.Verify(Key.PublicKey, Alpha, Proof);

    [Benchmark, BenchmarkCategory("Keccak")]
    public byte[] Keccak() => Keccak256.Hash(Hash);
}
