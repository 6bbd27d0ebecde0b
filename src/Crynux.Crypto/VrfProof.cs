namespace Crynux.Crypto;

/// <summary>An ECVRF output: 32-byte beta and 81-byte proof (Gamma 33 ‖ c 16 ‖ s 32).</summary>
public sealed record VrfProof(byte[] Beta, byte[] Proof);
