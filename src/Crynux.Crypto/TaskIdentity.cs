using System.Security.Cryptography;

namespace Crynux.Crypto;

/// <summary>Task ids, nonces and the commitment keccak256(task_id ‖ nonce) that names a task on the Relay.</summary>
public static class TaskIdentity
{
    public static byte[] NewTaskId() => RandomNumberGenerator.GetBytes(32);

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(32);

    public static byte[] Commitment(ReadOnlySpan<byte> taskId, ReadOnlySpan<byte> nonce)
    {
        var joined = new byte[taskId.Length + nonce.Length];
        taskId.CopyTo(joined);
        nonce.CopyTo(joined.AsSpan(taskId.Length));
        return Keccak256.Hash(joined);
    }

    /// <summary>"0x" + lowercase hex: the Relay compares commitments as exact strings.</summary>
    public static string CommitmentHex(string taskIdHex, string nonceHex) =>
        Hex.Encode(Commitment(Hex.Decode(taskIdHex), Hex.Decode(nonceHex)));
}
