using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;

namespace Crynux.Crypto.Bench;

/// <summary>The operations the bridge runs per Relay request (sign) and per task (VRF prove); the devnet verifies.</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private static readonly EthKey Key = EthKey.FromHex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    private static readonly byte[] Hash = Keccak256.Hash("benchmark"u8);
    private static readonly byte[] Signature = Key.Sign(Hash);
    private static readonly byte[] Alpha = Keccak256.Hash("sampling seed"u8);
    private static readonly byte[] Proof = Ecvrf.Prove(Key, Alpha).Proof;
    private static readonly JsonObject GetTaskPayload = new() { ["task_id_commitment"] = Hex.Encode(Hash) };

    [Benchmark]
    public byte[] Sign() => Key.Sign(Hash);

    [Benchmark]
    public string SignRequest() => SignedRequest.Sign(Key, GetTaskPayload, 1700000000);

    [Benchmark]
    public string Recover() => EthSignature.RecoverAddress(Hash, Signature);

    [Benchmark]
    public byte[] VrfProve() => Ecvrf.Prove(Key, Alpha).Beta;

    [Benchmark]
    public byte[]? VrfVerify() => Ecvrf.Verify(Key.PublicKey, Alpha, Proof);
}
