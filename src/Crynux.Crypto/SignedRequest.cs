using System.Globalization;
using System.Text.Json.Nodes;

namespace Crynux.Crypto;

/// <summary>Signed requests as the Relay defines them: keccak256(canonical JSON ‖ decimal timestamp).</summary>
public static class SignedRequest
{
    public static byte[] Message(JsonNode? data, long timestamp)
    {
        var json = GoJson.Canonicalize(data);
        var suffix = timestamp.ToString(CultureInfo.InvariantCulture);
        var message = new byte[json.Length + suffix.Length];
        json.CopyTo(message, 0);
        for (var i = 0; i < suffix.Length; i++)
        {
            message[json.Length + i] = (byte)suffix[i];
        }

        return message;
    }

    /// <summary>"0x" + 130 lowercase hex digits, v ∈ {0,1}.</summary>
    public static string Sign(EthKey key, JsonNode? data, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Hex.Encode(key.Sign(Keccak256.Hash(Message(data, timestamp))));
    }

    /// <summary>
    /// Checks a signature. Any 65 bytes recover to some address, so an EIP-191 form can only be told apart from a raw one
    /// by its signer: with <see cref="SignatureRules.AllowPersonalSign"/>, pass the signers that may have signed.
    /// </summary>
    public static SignatureCheck Verify(JsonNode? data, long timestamp, string signature, long nowUnixSeconds, SignatureRules rules,
        IReadOnlyCollection<string>? expectedSigners = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (string.IsNullOrEmpty(signature))
        {
            return SignatureCheck.Fail("signature is missing");
        }

        if (Math.Abs(nowUnixSeconds - timestamp) > rules.WindowSeconds)
        {
            return SignatureCheck.Fail("timestamp is outside the accepted window");
        }

        if (rules.RequireStrictFormat && (signature.Length != 132 || !signature.StartsWith("0x", StringComparison.Ordinal)))
        {
            return SignatureCheck.Fail("signature must be 0x followed by 130 hex digits");
        }

        byte[] bytes;
        try
        {
            bytes = Hex.Decode(signature);
        }
        catch (CryptoFormatException)
        {
            return SignatureCheck.Fail("signature is not hex");
        }

        if (bytes.Length != 65)
        {
            return SignatureCheck.Fail("signature must have 65 bytes");
        }

        var message = Message(data, timestamp);
        var address = Recover(Keccak256.Hash(message), bytes, rules.AllowLegacyV);
        if (rules.AllowPersonalSign && !IsExpected(address, expectedSigners))
        {
            var personal = Recover(EthSignature.PersonalMessageHash(message), bytes, rules.AllowLegacyV);
            if (address is null || IsExpected(personal, expectedSigners))
            {
                address = personal;
            }
        }

        return address is null ? SignatureCheck.Fail("signature does not verify") : new SignatureCheck(true, address, null);
    }

    private static bool IsExpected(string? address, IReadOnlyCollection<string>? expectedSigners) =>
        address is not null && expectedSigners is not null && expectedSigners.Any(signer => EthAddress.AreEqual(signer, address));

    private static string? Recover(byte[] hash, byte[] signature, bool allowLegacyV)
    {
        try
        {
            var publicKey = EthSignature.RecoverPublicKey(hash, signature, allowLegacyV);
            return EthSignature.Verify(publicKey, hash, signature.AsSpan(0, 64)) ? EthAddress.FromPublicKey(publicKey) : null;
        }
        catch (CryptoFormatException)
        {
            return null;
        }
    }
}
