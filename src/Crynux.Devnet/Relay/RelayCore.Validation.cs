using Crynux.Crypto;

namespace Crynux.Devnet.Relay;

/// <summary>Creator validation: the checks of the validate handler and ValidateSingleTask (docs/protocol.md §3.3, §5.3).</summary>
internal sealed partial class RelayCore
{
    public void Validate(IReadOnlyList<string> commitments, string taskId, string vrfProof, string publicKey, string signer) => Commit(() =>
    {
        var tasks = new List<RelayTask>();
        foreach (var commitment in commitments)
        {
            if (!_tasks.TryGetValue(commitment, out var task))
            {
                throw RelayException.Internal("record not found");
            }
            if (task.Creator != signer)
            {
                throw RelayException.Validation("signature", "Signer not allowed");
            }
            tasks.Add(task);
        }
        if (tasks.Count == 1)
        {
            ValidateSingle(tasks[0], taskId, vrfProof, publicKey);
        }
        else
        {
            ValidateGroup(tasks, taskId, vrfProof, publicKey);
        }
    });

    private void ValidateSingle(RelayTask task, string taskId, string vrfProof, string publicKey)
    {
        if (task.Status is not (RelayTaskStatus.ScoreReady or RelayTaskStatus.ErrorReported))
        {
            throw RelayException.Internal("illegal task state");
        }
        CheckTaskId(task, taskId);
        task.TaskId = taskId;
        if (IsSelected(task.SamplingSeed, task.Creator, vrfProof, publicKey))
        {
            throw RelayException.Internal("task is selected for validation");
        }
        if (task.Status == RelayTaskStatus.ScoreReady)
        {
            SetValidated(task);
        }
        else
        {
            SetEndAborted(task, TaskAbortReason.ErrorReported, task.Creator, validationDriven: true);
        }
    }

    /// <summary>validateTaskID: keccak256(task_id ‖ nonce) must equal the stored commitment (lowercase string compare).</summary>
    private static void CheckTaskId(RelayTask task, string taskId)
    {
        var id = GoHex.Decode(taskId);
        var nonce = GoHex.Decode(task.Nonce);
        var commitment = Hex.Encode(Keccak256.Hash([.. id, .. nonce]));
        if (commitment != task.Commitment)
        {
            throw RelayException.Internal("task id incorrect");
        }
    }

    /// <summary>validateVRFProof: real ECVRF verify over the sampling seed, keyed to the creator; true when beta mod 100 == 0.</summary>
    private static bool IsSelected(string samplingSeed, string creator, string vrfProof, string publicKey)
    {
        byte[] alpha;
        try
        {
            alpha = GoHex.Decode(samplingSeed);
        }
        catch (RelayException)
        {
            throw RelayException.Internal("invalid sampling seed");
        }
        byte[] key;
        try
        {
            key = GoHex.Decode(publicKey);
        }
        catch (RelayException)
        {
            throw RelayException.Internal("invalid public key");
        }
        if (key.Length != 64)
        {
            throw RelayException.Internal("invalid public key");
        }
        string address;
        try
        {
            address = EthAddress.FromPublicKey(key);
        }
        catch (CryptoFormatException)
        {
            throw RelayException.Internal("invalid public key");
        }
        if (address != creator)
        {
            throw RelayException.Internal("not task creator");
        }
        byte[] proof;
        try
        {
            proof = GoHex.Decode(vrfProof);
        }
        catch (RelayException)
        {
            throw RelayException.Internal("invalid vrf proof");
        }
        if (proof.Length != 81)
        {
            throw RelayException.Internal("invalid vrf proof");
        }
        byte[]? beta;
        try
        {
            beta = Ecvrf.Verify(key, alpha, proof);
        }
        catch (CryptoFormatException)
        {
            throw RelayException.Internal("invalid point");
        }
        return beta is null ? throw RelayException.Internal("invalid proof") : Ecvrf.IsSelectedForValidation(beta);
    }
}
