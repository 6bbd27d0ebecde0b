namespace Crynux.Bridge.Relay;

/// <summary>What one validate sends: one commitment, or the three of a group sharing the task id, VRF proof and key.</summary>
public sealed record ValidationUnit(IReadOnlyList<string> Commitments, string TaskId, string VrfProof, string PublicKey);
