using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Crynux.Crypto.Tests;

public class SignedRequestTests
{
    // docs/protocol.md §2.7: key, address and timestamp of the generated vectors.
    private static readonly EthKey NodeKey = EthKey.FromHex("0x420fcabfd5dbb55215490693062e6e530840c64de837d071f0d9da21aaac861e");
    private const string Commitment = "0x3e92e0db88d6afea9edc4eedf62fffa4d92bcdfc310dccbe943747fe8302e871";
    private const long Timestamp = 1700000000;

    public static TheoryData<int> GoSignData => CryptoVectors.Indexes("go_sign_data");

    public static TheoryData<string, string, string> RelayVectors => new()
    {
        {
            "get_task", $$"""{"task_id_commitment":"{{Commitment}}"}""",
            "0xcbd9ac8e026ad0f79d68774072eb1d3ae236ad77557502fda9f2361d6daa9bb052a39db59c533ca7ec5d87029b6d07c308d1da3e461080446989235b76b5524a00"
        },
        {
            "get_result", $$"""{"task_id_commitment":"{{Commitment}}","index":"0"}""",
            "0xe762e3a9df4a84dfc2a71488e6ff8f404de74960b038277f1b5d3c9d4d47d60b586c17afbd2f03fbb77f11b6a3e4725f3b545f65a6210fae74cf64e7c8e2886d00"
        },
        {
            "abort", $$"""{"task_id_commitment":"{{Commitment}}","abort_reason":7}""",
            "0xb5acd9c6622f913e49ac0281d3ea8334c3fc01b6d1a0306c0d95d421d94034fc6c85260190ec9771f8b55747ebea8baacf86c618c246000d91e81ee9fff05adb00"
        },
        {
            "balance_v2", """{"address":"0xd075aB490857256e6fc85d75d8315e7c9914e008"}""",
            "0xa11786f36cc2d1c5a19ec9267df301d37d6c15f91030a4646f5f1ff6a880006b116b58253b266cf35c10f5e8e884a0dfe230605e01373e63bfa622b6c3e63b0200"
        },
        {
            "validate_single",
            $$"""{"vrf_proof":"0x{{new string('0', 162)}}","task_id_commitments":["{{Commitment}}"],"task_id":"0x{{new string('1', 64)}}","public_key":"0x57c360de911edfd7002b179ed072d185bfa7116da4c4dfe991a24dfecb410ad4d22b74f8c010d8086a161b205563816fa05c054d062dde0aed77c48474f45e9b"}""",
            "0x3f98beebf32b696d4429dd1389e5fbe014e9e7f5d6b8b54e3b1d53ea0c6b9c84306d9422b12e7eb37198dc19d7039af171d460e00b7d8e11409135d20559786501"
        },
    };

    [Theory]
    [MemberData(nameof(RelayVectors))]
    public void Relay_vectors_sign_byte_for_byte(string name, string json, string signature)
    {
        Assert.NotEmpty(name);
        var data = JsonNode.Parse(json);
        Assert.Equal(signature, SignedRequest.Sign(NodeKey, data, Timestamp));
        var check = SignedRequest.Verify(data, Timestamp, signature, Timestamp, SignatureRules.Relay);
        Assert.True(check.IsValid, check.Error);
        Assert.Equal("0xd075aB490857256e6fc85d75d8315e7c9914e008", check.Address);
    }

    [Fact]
    public void Create_llm_vector_escapes_html_and_keeps_cjk_raw()
    {
        var data = new JsonObject
        {
            ["task_id_commitment"] = Commitment,
            ["task_args"] = """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"a<b & c>d 你好"}]}""",
            ["task_type"] = 1,
            ["nonce"] = "0x" + new string('2', 64),
            ["task_model_ids"] = new JsonArray("base:Qwen/Qwen2.5-7B"),
            ["min_vram"] = 24,
            ["required_gpu"] = "",
            ["required_gpu_vram"] = 0,
            ["task_version"] = "3.0.0",
            ["task_size"] = 1,
            ["task_fee"] = "6000000000000000000",
        };
        const string expected = """{"min_vram":24,"nonce":"0x2222222222222222222222222222222222222222222222222222222222222222","required_gpu":"","required_gpu_vram":0,"task_args":"{\"model\":\"Qwen/Qwen2.5-7B\",\"messages\":[{\"role\":\"user\",\"content\":\"a\u003cb \u0026 c\u003ed 你好\"}]}","task_fee":"6000000000000000000","task_id_commitment":"0x3e92e0db88d6afea9edc4eedf62fffa4d92bcdfc310dccbe943747fe8302e871","task_model_ids":["base:Qwen/Qwen2.5-7B"],"task_size":1,"task_type":1,"task_version":"3.0.0"}1700000000""";

        Assert.Equal(expected, Encoding.UTF8.GetString(SignedRequest.Message(data, Timestamp)));
        Assert.Equal("0x58d066201450043b948f0f59ba0d5358e268d20b1b82c126bba5ffe622a027aa76cbc48298df597dfa48e4d448ac29cec0af2b91845f165f031e43d6e7fa48cf01",
            SignedRequest.Sign(NodeKey, data, Timestamp));
    }

    [Theory]
    [MemberData(nameof(GoSignData))]
    public void Go_sign_data_vectors(int index)
    {
        var row = CryptoVectors.Row("go_sign_data", index);
        var key = EthKey.FromHex(row.Text("private_key"));
        var timestamp = row.GetProperty("timestamp").GetInt64();
        var signString = row.Text("sign_string");
        var json = signString[..^timestamp.ToString(CultureInfo.InvariantCulture).Length];

        // Canonical output is a fixed point of canonicalization.
        var data = JsonNode.Parse(json);
        Assert.Equal(signString, Encoding.UTF8.GetString(SignedRequest.Message(data, timestamp)));
        Assert.Equal(row.Text("keccak256"), Hex.Encode(Keccak256.Hash(Encoding.UTF8.GetBytes(signString))));
        Assert.Equal(row.Text("signature"), SignedRequest.Sign(key, data, timestamp));
    }

    [Fact]
    public void Map_with_large_numbers_goes_through_float64()
    {
        var data = JsonNode.Parse("""{"z":1,"a":12345678901234567890,"big":9007199254740993,"m":0.1,"n":[]}""");
        var row = CryptoVectors.Row("go_sign_data", 3);
        Assert.Equal(row.Text("sign_string"), Encoding.UTF8.GetString(SignedRequest.Message(data, 1700000003)));
        Assert.Equal(row.Text("signature"), SignedRequest.Sign(EthKey.FromHex(row.Text("private_key")), data, 1700000003));
    }

    [Fact]
    public void Node_golden_vector_from_the_python_node()
    {
        var data = JsonNode.Parse("""{"task_id":1}""");
        Assert.Equal("0xdd78a14f5dcef6a57c5cfba8466baa1ac0ad2767e52eaf5a409895742e0475b4402acacaed2a2d7f158eac2f39849d653b45f207b0204858114cd38c415de5c700",
            SignedRequest.Sign(NodeKey, data, 1692446475));
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(-60, true)]
    [InlineData(61, false)]
    [InlineData(-61, false)]
    public void Verify_enforces_the_time_window(long skew, bool valid)
    {
        var data = JsonNode.Parse("""{"a":1}""");
        var signature = SignedRequest.Sign(NodeKey, data, Timestamp);
        Assert.Equal(valid, SignedRequest.Verify(data, Timestamp, signature, Timestamp + skew, SignatureRules.Relay).IsValid);
    }

    [Fact]
    public void Verify_rejects_tampered_data_wrong_v_and_high_s()
    {
        var data = JsonNode.Parse("""{"a":1}""");
        var signature = Hex.Decode(SignedRequest.Sign(NodeKey, data, Timestamp));

        var tampered = SignedRequest.Verify(JsonNode.Parse("""{"a":2}"""), Timestamp, Hex.Encode(signature), Timestamp, SignatureRules.Relay);
        Assert.True(!tampered.IsValid || tampered.Address != NodeKey.Address);

        var legacy = (byte[])signature.Clone();
        legacy[64] += 27;
        Assert.False(SignedRequest.Verify(data, Timestamp, Hex.Encode(legacy), Timestamp, SignatureRules.Relay).IsValid);
        Assert.Equal(NodeKey.Address, SignedRequest.Verify(data, Timestamp, Hex.Encode(legacy), Timestamp, new SignatureRules(AllowLegacyV: true)).Address);

        Assert.False(SignedRequest.Verify(data, Timestamp, Hex.Encode(HighS(signature)), Timestamp, SignatureRules.Relay).IsValid);
        Assert.False(SignedRequest.Verify(data, Timestamp, "0x1234", Timestamp, SignatureRules.Relay).IsValid);
        Assert.False(SignedRequest.Verify(data, Timestamp, "not hex", Timestamp, SignatureRules.Relay).IsValid);
        Assert.False(SignedRequest.Verify(data, Timestamp, Hex.Encode(signature, prefix: false) + "00", Timestamp, new SignatureRules(RequireStrictFormat: true)).IsValid);
    }

    [Fact]
    public void Personal_sign_is_accepted_only_when_allowed()
    {
        var data = JsonNode.Parse("""{"client_id":"0xd075aB490857256e6fc85d75d8315e7c9914e008"}""");
        var personal = NodeKey.Sign(EthSignature.PersonalMessageHash(SignedRequest.Message(data, Timestamp)));
        personal[64] += 27; // as ethers' signMessage returns it

        Assert.False(SignedRequest.Verify(data, Timestamp, Hex.Encode(personal), Timestamp, SignatureRules.Relay).IsValid);
        var check = SignedRequest.Verify(data, Timestamp, Hex.Encode(personal), Timestamp, new SignatureRules(AllowLegacyV: true, AllowPersonalSign: true), [NodeKey.Address]);
        Assert.Equal(NodeKey.Address, check.Address);

        // A raw signature still verifies under the same rules.
        var raw = SignedRequest.Sign(NodeKey, data, Timestamp);
        Assert.Equal(NodeKey.Address, SignedRequest.Verify(data, Timestamp, raw, Timestamp, new SignatureRules(AllowLegacyV: true, AllowPersonalSign: true), [NodeKey.Address]).Address);
    }

    // s' = n − s with v flipped recovers the same key but is the malleable form go-ethereum rejects.
    private static byte[] HighS(byte[] signature)
    {
        var n = System.Numerics.BigInteger.Parse("0fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var s = new System.Numerics.BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var highS = (n - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = (byte[])signature.Clone();
        Array.Clear(result, 32, 32);
        highS.CopyTo(result, 64 - highS.Length);
        result[64] ^= 1;
        return result;
    }
}
