using System.Globalization;
using System.Net;
using System.Numerics;
using Crynux.Crypto;

namespace Crynux.Devnet.Tests;

/// <summary>Signature rules of docs/protocol.md §2.5: v 0/1 only, low-S, ±60 s inclusive, exact signer.</summary>
public class SignatureTests
{
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber);

    private static async Task<(TestDevnet Devnet, TaskSpec Spec)> StartWithTaskAsync()
    {
        var devnet = await TestDevnet.StartAsync(o => o.Nodes.Clear());
        return (devnet, await devnet.CreateAsync(TaskSpec.Sd()));
    }

    [Fact]
    public async Task Valid_signature_is_accepted()
    {
        var (devnet, spec) = await StartWithTaskAsync();
        await using var _ = devnet;
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.GetTaskAsync(spec.Commitment)).Status);
    }

    [Fact]
    public async Task Legacy_v_27_is_rejected()
    {
        var (devnet, spec) = await StartWithTaskAsync();
        await using var _ = devnet;
        var reply = await devnet.Creator.GetTaskAsync(spec.Commitment, tamper: sig =>
        {
            var bytes = Hex.Decode(sig);
            bytes[64] += 27;
            return Hex.Encode(bytes);
        });
        Assert.Equal(("signature", "Invalid signature"), reply.Validation);
    }

    [Fact]
    public async Task High_s_twin_of_a_valid_signature_is_rejected()
    {
        var (devnet, spec) = await StartWithTaskAsync();
        await using var _ = devnet;
        var reply = await devnet.Creator.GetTaskAsync(spec.Commitment, tamper: sig =>
        {
            var bytes = Hex.Decode(sig);
            var s = new BigInteger(bytes.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
            var high = (N - s).ToByteArray(isUnsigned: true, isBigEndian: true);
            Array.Clear(bytes, 32, 32);
            high.CopyTo(bytes, 64 - high.Length);
            bytes[64] ^= 1;
            return Hex.Encode(bytes);
        });
        Assert.Equal(("signature", "Invalid signature"), reply.Validation);
    }

    [Fact]
    public async Task Timestamps_beyond_60_seconds_are_rejected_and_60_is_accepted()
    {
        var (devnet, spec) = await StartWithTaskAsync();
        await using var _ = devnet;
        var now = devnet.Time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(("signature", "Invalid signature"), (await devnet.Creator.GetTaskAsync(spec.Commitment, now - 61)).Validation);
        Assert.Equal(("signature", "Invalid signature"), (await devnet.Creator.GetTaskAsync(spec.Commitment, now + 61)).Validation);
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.GetTaskAsync(spec.Commitment, now - 60)).Status);
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.GetTaskAsync(spec.Commitment, now + 60)).Status);
    }

    [Fact]
    public async Task Wrong_signer_is_not_allowed()
    {
        var (devnet, spec) = await StartWithTaskAsync();
        await using var _ = devnet;
        var stranger = devnet.ClientFor(EthKey.Generate());
        Assert.Equal(("signature", "Signer not allowed"), (await stranger.GetTaskAsync(spec.Commitment)).Validation);
        Assert.Equal(("signature", "Signer not allowed"), (await stranger.ResultAsync(spec.Commitment, 0)).Validation);
        Assert.Equal(("signature", "Signer not allowed"), (await stranger.AbortAsync(spec.Commitment, 7)).Validation);
    }

    [Fact]
    public async Task Create_signature_binds_the_creator_so_a_foreign_signature_charges_its_own_signer()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var stranger = devnet.ClientFor(EthKey.Generate());
        var spec = TaskSpec.Sd();
        // The stranger's signature over the same fields recovers to the stranger, who has no balance.
        var foreign = await stranger.CreateAsync(spec);
        Assert.Equal(("task_fee", "Insufficient relay account balance"), foreign.Validation);
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
        var truncated = await devnet.Creator.CreateAsync(spec, sig => (sig.Item1, sig.Item2[..^2]));
        Assert.Equal(("signature", "Invalid signature"), truncated.Validation);
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
    }
}
