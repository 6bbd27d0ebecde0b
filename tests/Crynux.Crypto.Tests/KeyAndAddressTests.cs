namespace Crynux.Crypto.Tests;

public class KeyAndAddressTests
{
    private const string Key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

    [Theory]
    [InlineData(Key)]
    [InlineData("0x" + Key)]
    [InlineData("0X" + Key)]
    [InlineData("  0x" + Key + "\n")]
    public void FromHex_accepts_the_usual_forms(string hex) =>
        Assert.Equal("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", EthKey.FromHex(hex).Address);

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f3623")] // 62 digits
    [InlineData("zz0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")] // n
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    public void FromHex_rejects_malformed_or_out_of_range_keys(string hex) =>
        Assert.Throws<CryptoFormatException>(() => EthKey.FromHex(hex));

    [Fact]
    public void Largest_valid_key_is_accepted()
    {
        var key = EthKey.FromHex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140");
        Assert.Equal("0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", Hex.Encode(key.CompressedPublicKey, prefix: false));
    }

    [Fact]
    public void ToString_and_export_round_trip_without_showing_the_key()
    {
        var key = EthKey.FromHex(Key);
        Assert.Equal(key.Address, key.ToString());
        Assert.DoesNotContain(Key, key.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("0x" + Key, key.ExportHex());
        Assert.Equal(key.Address, EthKey.FromHex(key.ExportHex()).Address);
    }

    [Fact]
    public void Generated_keys_differ_and_sign()
    {
        var a = EthKey.Generate();
        var b = EthKey.Generate();
        Assert.NotEqual(a.Address, b.Address);
        var hash = Keccak256.Hash("hello"u8);
        Assert.Equal(a.Address, EthSignature.RecoverAddress(hash, a.Sign(hash)));
    }

    [Theory]
    [InlineData("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", true)]
    [InlineData("0x2c7536e3605d9c16a7a3d7b1898e529396a65c23", true)]
    [InlineData("0x2C7536E3605D9C16A7A3D7B1898E529396A65C23", true)]
    [InlineData("0x2c7536E3605D9C16a7a3D7b1898e529396a65C23", false)] // one letter's case flipped
    [InlineData("2c7536E3605D9C16a7a3D7b1898e529396a65c23", false)]
    [InlineData("0x2c7536E3605D9C16a7a3D7b1898e529396a65c2", false)]
    [InlineData("0x2c7536E3605D9C16a7a3D7b1898e529396a65cgg", false)]
    [InlineData(null, false)]
    public void IsValid_checks_format_and_checksum(string? address, bool valid) => Assert.Equal(valid, EthAddress.IsValid(address));

    [Fact]
    public void ToChecksum_and_AreEqual()
    {
        Assert.Equal("0xd075aB490857256e6fc85d75d8315e7c9914e008", EthAddress.ToChecksum("D075AB490857256E6FC85D75D8315E7C9914E008"));
        Assert.True(EthAddress.AreEqual("0xd075ab490857256e6fc85d75d8315e7c9914e008", "0xd075aB490857256e6fc85d75d8315e7c9914e008"));
        Assert.False(EthAddress.AreEqual("0xd075ab490857256e6fc85d75d8315e7c9914e008", "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"));
        Assert.Throws<CryptoFormatException>(() => EthAddress.ToChecksum("0x1234"));
    }

    [Fact]
    public void Keccak_is_not_nist_sha3()
    {
        Assert.Equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Hex.Encode(Keccak256.Hash([])));
    }

    [Theory]
    [InlineData("0x1")]
    [InlineData("abc")]
    [InlineData("0xzz")]
    public void Hex_rejects_malformed_input(string hex) => Assert.Throws<CryptoFormatException>(() => Hex.Decode(hex));

    [Fact]
    public void Task_commitment_matches_the_spec_vector()
    {
        var taskId = "0x" + new string('1', 64);
        var nonce = "0x" + new string('2', 64);
        Assert.Equal("0x3e92e0db88d6afea9edc4eedf62fffa4d92bcdfc310dccbe943747fe8302e871", TaskIdentity.CommitmentHex(taskId, nonce));
        Assert.Equal(32, TaskIdentity.NewTaskId().Length);
        Assert.NotEqual(TaskIdentity.NewNonce(), TaskIdentity.NewNonce());
    }
}
