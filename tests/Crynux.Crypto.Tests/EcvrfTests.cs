namespace Crynux.Crypto.Tests;

public class EcvrfTests
{
    public static TheoryData<int> GoVrf => CryptoVectors.Indexes("go_vrf");
    public static TheoryData<int> RoaminVrf => CryptoVectors.Indexes("roamin_vrf_32byte_alpha");

    // go-ecvrf's own vectors with short keys (left-padded), alpha "sample".
    public static TheoryData<string, string, string> ShortKeys => new()
    {
        { "01", "029a2df6ca1d5f734945fb6847669f839eb9ecf127fa8314e5a6a5c4695c3f4d159009b3741cdec6b0d7c70e3aae6b82aeb1aad555499bd6ce10b35fa230079e6fa752e8d4755ffd285aef5133dad7a64b", "00acd42d48046e13552f54919286c2085aec6fb874854d036f66ad572c99e7ab" },
        { "0a", "034e371e26303b9deb6f650f8faee60a2673b2bfef5b5a9af066aca5e7c12695becd27149218141ceb7f7e58da293679388c3b7b5109ec360a1f50decb1fa89c11b19476f5b2786ecba75f3642d942ba31", "941b5f76d95772045e824e30d85106a4a3b5920b901e178d3f62ec8e473ccf69" },
        { "018ebbb95eed0e13", "02570056bade9dc5204721d0ecd39906a72468d027dfa1a896b8f6a88d50fc5526f7afb112bb95a2e13f326cbf1c8de77b7596195575b4dd712edbfd96acafdcbc0fa1dfae4041bb64d8e25b276426ea5a", "642a4819a8e8e5739cc0f4bd5221d641774f2d33b75007c4de61f4f2089df92c" },
        { "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", "03cc27d840191d06dfca94d9346cc5b85830dcf9c9e7e4a41cc857d841bd48186c6c5d463591b9632297b3aab781d23263fd9cfc41fbb6affa02840bb903f51b494dc492087ba6fe04acf7c5b54ec0de24", "8efc7ce3fa0ee91c2e7d45ead94883776e37bdb3af67f386e7ec500e76e066dd" },
    };

    [Theory]
    [MemberData(nameof(GoVrf))]
    public void Prove_and_verify_match_go_ecvrf(int index)
    {
        var row = CryptoVectors.Row("go_vrf", index);
        var key = EthKey.FromHex(row.Text("sk"));
        var alpha = row.Bytes("alpha");

        Assert.Equal(row.Text("pk"), Hex.Encode(key.CompressedPublicKey, prefix: false));
        var output = Ecvrf.Prove(key, alpha);
        Assert.Equal(row.Text("pi"), Hex.Encode(output.Proof, prefix: false));
        Assert.Equal(row.Text("beta"), Hex.Encode(output.Beta, prefix: false));
        Assert.Equal(row.Text("beta"), Hex.Encode(Ecvrf.Verify(key.PublicKey, alpha, output.Proof)!, prefix: false));
        Assert.Equal(row.GetProperty("beta_mod_100").GetInt32() == 0, Ecvrf.IsSelectedForValidation(output.Beta));
    }

    [Theory]
    [MemberData(nameof(RoaminVrf))]
    public void Prove_and_verify_match_the_independent_js_implementation(int index)
    {
        var row = CryptoVectors.Row("roamin_vrf_32byte_alpha", index);
        var key = EthKey.FromHex(row.Text("sk"));
        var alpha = row.Bytes("alpha");

        Assert.Equal(row.Text("pi"), Hex.Encode(Ecvrf.Prove(key, alpha).Proof, prefix: false));
        Assert.Equal(row.Text("beta"), Hex.Encode(Ecvrf.Verify(row.Bytes("pk"), alpha, row.Bytes("pi"))!, prefix: false));
    }

    [Theory]
    [MemberData(nameof(ShortKeys))]
    public void Short_keys_are_left_padded(string sk, string pi, string beta)
    {
        var key = EthKey.FromHex(sk.PadLeft(64, '0'));
        var output = Ecvrf.Prove(key, "sample"u8);
        Assert.Equal(pi, Hex.Encode(output.Proof, prefix: false));
        Assert.Equal(beta, Hex.Encode(output.Beta, prefix: false));
    }

    [Fact]
    public void Selection_vector_with_beta_mod_100_zero()
    {
        var key = EthKey.FromHex("53bc789c0130ec9a9f1a876ea465da3eec82a6043099080c66461c8be2000979");
        var output = Ecvrf.Prove(key, Hex.Decode("959ec2e39c2b795edecc39992961ef6382693ea30cfa0cc7ebada88a69d12fbc"));
        Assert.True(Ecvrf.IsSelectedForValidation(output.Beta));
    }

    [Fact]
    public void Invalid_proofs_are_rejected()
    {
        var row = CryptoVectors.Row("go_vrf", 1);
        var key = EthKey.FromHex(row.Text("sk"));
        var alpha = row.Bytes("alpha");
        var proof = row.Bytes("pi");

        Assert.Null(Ecvrf.Verify(key.PublicKey, alpha, Flip(proof, 40)));      // c
        Assert.Null(Ecvrf.Verify(key.PublicKey, alpha, Flip(proof, 80)));      // s
        Assert.Null(Ecvrf.Verify(key.PublicKey, [.. alpha, 0], proof));       // alpha
        var other = EthKey.FromHex(Hex.Encode(Increment(Hex.Decode(row.Text("sk")))));
        Assert.Null(Ecvrf.Verify(other.PublicKey, alpha, proof));              // key of sk+1
        var badPrefix = (byte[])proof.Clone();
        badPrefix[0] = 0x04;
        Assert.Null(Ecvrf.Verify(key.PublicKey, alpha, badPrefix));            // Gamma encoding
        Assert.Null(Ecvrf.Verify(key.PublicKey, alpha, proof.AsSpan(0, 80)));  // truncated
        var offCurve = (byte[])proof.Clone();
        Array.Fill(offCurve, (byte)0xff, 1, 32);                               // X ≥ p
        Assert.Null(Ecvrf.Verify(key.PublicKey, alpha, offCurve));
        var zeroS = (byte[])proof.Clone();
        Array.Clear(zeroS, 49, 32);
        Assert.Null(Ecvrf.Verify(key.PublicKey, alpha, zeroS));
    }

    [Fact]
    public void Malformed_public_key_throws() =>
        Assert.Throws<CryptoFormatException>(() => Ecvrf.Verify(new byte[10], [], new byte[81]));

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static byte[] Increment(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        for (var i = copy.Length - 1; i >= 0 && ++copy[i] == 0; i--)
        {
        }

        return copy;
    }
}
