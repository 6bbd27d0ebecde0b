namespace Crynux.Crypto;

/// <summary>The outcome of a signature check: the EIP-55 signer when valid, otherwise why not.</summary>
public sealed record SignatureCheck(bool IsValid, string? Address, string? Error)
{
    internal static SignatureCheck Fail(string error) => new(false, null, error);
}
