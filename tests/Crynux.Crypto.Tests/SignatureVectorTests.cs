namespace Crynux.Crypto.Tests;

public class SignatureVectorTests
{
    public static TheoryData<int> GoSign => CryptoVectors.Indexes("go_sign");
    public static TheoryData<int> EthersSign => CryptoVectors.Indexes("ethers_sign");

    [Theory]
    [MemberData(nameof(GoSign))]
    public void Sign_matches_go_ethereum(int index)
    {
        var row = CryptoVectors.Row("go_sign", index);
        var key = EthKey.FromHex(row.Text("private_key"));
        var signature = key.Sign(row.Bytes("hash"));

        Assert.Equal(row.Text("signature"), Hex.Encode(signature));
        Assert.Equal(key.Address, EthSignature.RecoverAddress(row.Bytes("hash"), signature));
    }

    [Theory]
    [MemberData(nameof(EthersSign))]
    public void Sign_recover_and_address_match_ethers(int index)
    {
        var row = CryptoVectors.Row("ethers_sign", index);
        var key = EthKey.FromHex(row.Text("private_key"));
        var hash = Keccak256.Hash(row.Bytes("message_hex"));

        Assert.Equal(row.Text("keccak256"), Hex.Encode(hash));
        Assert.Equal(row.Text("signature"), Hex.Encode(key.Sign(hash)));
        Assert.Equal(row.Text("public_key_64"), Hex.Encode(key.PublicKey));
        Assert.Equal(row.Text("address"), key.Address);
        Assert.Equal(row.Text("address"), EthSignature.RecoverAddress(hash, row.Bytes("signature")));
        Assert.Equal(row.Text("address"), EthSignature.RecoverAddress(hash, row.Bytes("signature_v27"), allowLegacyV: true));
        Assert.True(EthSignature.Verify(key.PublicKey, hash, row.Bytes("signature").AsSpan(0, 64)));
    }

    [Fact]
    public void Personal_sign_matches_ethers()
    {
        var row = CryptoVectors.Root.GetProperty("ethers_personal_sign_eip191");
        var key = EthKey.FromHex(row.Text("private_key"));
        var hash = EthSignature.PersonalMessageHash("Some data"u8);

        Assert.Equal(row.Text("hash"), Hex.Encode(hash));
        Assert.Equal(key.Address, EthSignature.RecoverAddress(hash, row.Bytes("signature"), allowLegacyV: true));
    }

    [Fact]
    public void Recover_matches_go_ethereum_constant()
    {
        var hash = Hex.Decode("ce0677bb30baa8cf067c88db9811f4333d131bf8bcf12fe7065d211dce971008");
        var signature = Hex.Decode("90f27b8b488db00b00606796d2987f6a5f59ae62ea05effe84fef5b8b0e549984a691139ad57a3f0b906637673aa2f63d1f55cb1a69199d4009eea23ceaddc9301");
        var publicKey = EthSignature.RecoverPublicKey(hash, signature);

        Assert.Equal("e32df42865e97135acfb65f3bae71bdc86f4d49150ad6a440b6f15878109880a0a2b2667f7e725ceea70c673093bf67663e0312623c8e091b13cf2c0f11ef652", Hex.Encode(publicKey, prefix: false));
        Assert.True(EthSignature.Verify(publicKey, hash, signature.AsSpan(0, 64)));
    }

    [Fact]
    public void Verify_rejects_high_s()
    {
        var publicKey = Hex.Decode("03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138");
        var hash = Hex.Decode("d301ce462d3e639518f482c7f03821fec1e602018630ce621e1e7851c12343a6");
        var signature = Hex.Decode("638a54215d80a6713c8d523a6adc4e6e73652d859103a36b700851cb0e61b66b8ebfc1a610c57d732ec6e0a8f06a9a7a28df5051ece514702ff9cdff0b11f454");

        Assert.False(EthSignature.Verify(publicKey, hash, signature));
    }

    [Fact]
    public void Verify_rejects_a_tampered_hash()
    {
        var key = EthKey.FromHex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
        var hash = Keccak256.Hash("message"u8);
        var signature = key.Sign(hash);
        hash[0] ^= 1;

        Assert.False(EthSignature.Verify(key.PublicKey, hash, signature.AsSpan(0, 64)));
        Assert.NotEqual(key.Address, EthSignature.RecoverAddress(hash, signature));
    }

    [Fact]
    public void Recover_rejects_legacy_v_unless_allowed_and_v_above_3()
    {
        var key = EthKey.Generate();
        var hash = Keccak256.Hash("x"u8);
        var signature = key.Sign(hash);
        signature[64] += 27;

        Assert.Throws<CryptoFormatException>(() => EthSignature.RecoverAddress(hash, signature));
        Assert.Equal(key.Address, EthSignature.RecoverAddress(hash, signature, allowLegacyV: true));
        signature[64] = 4;
        Assert.Throws<CryptoFormatException>(() => EthSignature.RecoverAddress(hash, signature, allowLegacyV: true));
    }

    [Fact]
    public void Recover_rejects_wrong_lengths_and_zero_r()
    {
        var hash = Keccak256.Hash("x"u8);
        Assert.Throws<CryptoFormatException>(() => EthSignature.RecoverAddress(hash, new byte[64]));
        Assert.Throws<CryptoFormatException>(() => EthSignature.RecoverAddress(hash.AsSpan(0, 31), new byte[65]));
        Assert.Throws<CryptoFormatException>(() => EthSignature.RecoverAddress(hash, new byte[65]));
    }

    [Fact]
    public void Signatures_are_always_low_s()
    {
        var key = EthKey.Generate();
        for (var i = 0; i < 64; i++)
        {
            var signature = key.Sign(Keccak256.Hash([(byte)i]));
            Assert.True(signature[32] < 0x80, "s must be at most n/2");
            Assert.True(signature[64] <= 1);
        }
    }
}
