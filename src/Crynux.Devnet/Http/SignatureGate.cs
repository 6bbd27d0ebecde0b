using System.Text.Json.Nodes;
using Crynux.Crypto;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>The Relay's signature checks (docs/protocol.md §2.5): Go canonical JSON ‖ timestamp, keccak256, v 0/1, low-S, ±window.</summary>
internal sealed class SignatureGate(TimeProvider time, int windowSeconds)
{
    private readonly SignatureRules _v1 = SignatureRules.Relay with { WindowSeconds = windowSeconds };
    private readonly SignatureRules _v2 = SignatureRules.Relay with { WindowSeconds = windowSeconds, RequireStrictFormat = true };

    /// <summary>v1: the checksummed signer, or 400 VE("signature","Invalid signature").</summary>
    public string Verify(JsonNode data, long timestamp, string signature)
    {
        if (signature.Length < 2)
        {
            // The Relay slices signature[2:] unchecked: a 1-character signature panics into an empty 500.
            throw RelayException.Panic();
        }
        // v1 decodes signature[2:] whatever the first two characters are.
        var check = SignedRequest.Verify(data, timestamp, "0x" + signature[2..], time.GetUtcNow().ToUnixTimeSeconds(), _v1);
        return check is { IsValid: true, Address: { } address }
            ? address
            : throw RelayException.Validation("signature", "Invalid signature");
    }

    /// <summary>
    /// The 2026 routes: as <see cref="Verify"/>, but a signature too short to slice is "Invalid signature" rather than
    /// the emulated panic (the newer Relay's behaviour there is not known; the devnet never answers bad input with a 500).
    /// </summary>
    public string VerifyWithoutPanic(JsonNode data, long timestamp, string signature) =>
        signature.Length < 2 ? throw RelayException.Validation("signature", "Invalid signature") : Verify(data, timestamp, signature);

    /// <summary>v2 (strict format): the signer, or null for the middleware's 401.</summary>
    public string? VerifyV2(JsonNode data, long timestamp, string signature)
    {
        var check = SignedRequest.Verify(data, timestamp, signature, time.GetUtcNow().ToUnixTimeSeconds(), _v2);
        return check is { IsValid: true, Address: { } address } ? address : null;
    }
}
