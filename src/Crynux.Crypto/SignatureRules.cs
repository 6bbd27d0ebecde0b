namespace Crynux.Crypto;

/// <summary>What a signature check accepts. <see cref="Relay"/> is what the Crynux Relay accepts.</summary>
/// <param name="WindowSeconds">Largest accepted |now − timestamp|.</param>
/// <param name="AllowLegacyV">Accept v = 27/28 as well as 0/1.</param>
/// <param name="AllowPersonalSign">Also accept an EIP-191 personal_sign over the same bytes.</param>
/// <param name="RequireStrictFormat">The Relay v2 rule: exactly "0x" + 130 hex digits.</param>
public sealed record SignatureRules(int WindowSeconds = 60, bool AllowLegacyV = false, bool AllowPersonalSign = false, bool RequireStrictFormat = false)
{
    public static SignatureRules Relay { get; } = new();
}
