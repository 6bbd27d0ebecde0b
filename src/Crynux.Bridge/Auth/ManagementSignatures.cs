using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Api;
using Crynux.Bridge.Data;
using Crynux.Crypto;

namespace Crynux.Bridge.Auth;

/// <summary>
/// Checks the signed requests of the API-key routes (product docs: keccak256 of sorted compact JSON ‖ timestamp). Accepts
/// v 0/1 and 27/28 and EIP-191 personal_sign over the same bytes, so the docs' Python and JavaScript examples both work,
/// and accepts each signature once.
/// </summary>
public sealed class ManagementSignatures
{
    private const int WindowSeconds = 60;
    private static readonly SignatureRules Rules = new(WindowSeconds, AllowLegacyV: true, AllowPersonalSign: true);

    private readonly ApiKeyStore _keys;
    private readonly TimeProvider _time;

    public ManagementSignatures(ApiKeyStore keys, TimeProvider time)
    {
        _keys = keys;
        _time = time;
    }

    /// <summary>Returns the signer, one of <paramref name="allowed"/>, or throws a 400/401/403 problem.</summary>
    public async Task<string> VerifyAsync(JsonObject payload, JsonElement body, HttpRequest request, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(request);
        var timestamp = ReadTimestamp(body, request);
        var signature = (body.ValueKind == JsonValueKind.Object ? JsonBody.OptionalString(body, "signature") : null) ?? request.Query["signature"].ToString();
        if (string.IsNullOrEmpty(signature))
        {
            throw new ProblemException(Problem.BadRequest("signature", "signature is required"));
        }
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var check = SignedRequest.Verify(payload, timestamp, signature, now, Rules, allowed);
        // Any 65 bytes recover to some address, so the third form is tried whenever the first two found no allowed signer.
        var known = check.IsValid && allowed.Any(a => EthAddress.AreEqual(a, check.Address));
        var digestSigner = known || Math.Abs(now - timestamp) > WindowSeconds ? null : DigestPersonalSigner(payload, timestamp, signature);
        if (!check.IsValid && digestSigner is null)
        {
            throw new ProblemException(Problem.Unauthorized($"Invalid signature: {check.Error}", "invalid_signature") with { Param = "signature" });
        }
        var signer = allowed.FirstOrDefault(a => (check.IsValid && EthAddress.AreEqual(a, check.Address)) || EthAddress.AreEqual(a, digestSigner));
        if (signer is null)
        {
            throw new ProblemException(Problem.Forbidden($"Signer {check.Address ?? digestSigner} is not allowed to do this") with { Param = "signature" });
        }
        // r‖s identifies a signature whatever v form or case it was sent in.
        var rs = Hex.Decode(signature).AsSpan(0, 64);
        var hash = Convert.ToHexStringLower(SHA256.HashData(rs));
        if (!await _keys.TryUseSignatureAsync(hash, (now + 2 * WindowSeconds + 1) * 1000, now * 1000, request.HttpContext.RequestAborted))
        {
            throw new ProblemException(Problem.Unauthorized("This signature was already used; sign the request again with a new timestamp.", "signature_replayed") with { Param = "signature" });
        }
        return signer;
    }

    /// <summary>
    /// The product docs' JavaScript example signs with web3's account.sign(keccakHex): EIP-191 over the 32-byte digest,
    /// not over the message. That form is accepted too, so the example works as printed.
    /// </summary>
    private static string? DigestPersonalSigner(JsonObject payload, long timestamp, string signature)
    {
        try
        {
            var bytes = Hex.Decode(signature);
            if (bytes.Length != 65)
            {
                return null;
            }
            var hash = EthSignature.PersonalMessageHash(Keccak256.Hash(SignedRequest.Message(payload, timestamp)));
            var publicKey = EthSignature.RecoverPublicKey(hash, bytes, allowLegacyV: true);
            return EthSignature.Verify(publicKey, hash, bytes.AsSpan(0, 64)) ? EthAddress.FromPublicKey(publicKey) : null;
        }
        catch (CryptoFormatException)
        {
            return null;
        }
    }

    private static long ReadTimestamp(JsonElement body, HttpRequest request)
    {
        long? timestamp = body.ValueKind == JsonValueKind.Object ? JsonBody.OptionalInteger(body, "timestamp", 1, long.MaxValue) : null;
        if (timestamp is null && long.TryParse(request.Query["timestamp"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var q))
        {
            timestamp = q;
        }
        return timestamp ?? throw new ProblemException(Problem.BadRequest("timestamp", "timestamp is required (unix seconds)"));
    }
}
