using System.Security.Cryptography;
using Crynux.Devnet.Media;

namespace Crynux.Devnet.Relay;

/// <summary>Node-side calls: score, task_error, results upload, current task (docs/protocol.md §3.12).</summary>
internal sealed partial class RelayCore
{
    public void SubmitScore(string commitment, string signer, string score, string dtype) => Commit(() =>
    {
        var task = FindForNode(commitment, signer);
        if (task.Status != RelayTaskStatus.Started)
        {
            throw RelayException.Validation("task_id_commitment", "Illegal task state");
        }
        if (!TryDecodeScore(score, out var bytes)
            || (task.TaskType != TaskType.Llm && bytes.Length % 8 != 0))
        {
            throw RelayException.Validation("score", "invalid score");
        }
        RequireCurrentTask(task, signer);
        SetScoreReady(task, score, dtype);
    });

    public void ReportError(string commitment, string signer, int error) => Commit(() =>
    {
        var task = FindForNode(commitment, signer);
        if (task.Status != RelayTaskStatus.Started)
        {
            throw RelayException.Validation("task_id_commitment", "Illegal task state");
        }
        RequireCurrentTask(task, signer);
        SetErrorReported(task, error);
    });

    /// <summary>Stores the files after recomputing the score from them; moves Validated/GroupValidated to the end state.</summary>
    public void UploadResults(string commitment, string signer, IReadOnlyList<byte[]> files, byte[]? checkpoint) => Commit(() =>
    {
        var task = FindForNode(commitment, signer, "Signature");
        if (task.Status is not (RelayTaskStatus.Validated or RelayTaskStatus.GroupValidated or RelayTaskStatus.EndInvalidated or RelayTaskStatus.EndGroupRefund))
        {
            throw RelayException.Validation("task_id_commitment", "Task not validated");
        }
        if (files.Count == 0)
        {
            throw RelayException.Validation("files", "required");
        }
        if (ScoreOf(task.TaskType, files) is not { } recomputed || !string.Equals(recomputed, task.Score, StringComparison.OrdinalIgnoreCase))
        {
            throw RelayException.Validation("files", "Wrong result files uploaded");
        }
        if (task.Status is RelayTaskStatus.EndInvalidated or RelayTaskStatus.EndGroupRefund)
        {
            task.EvidenceFiles = files;
            return;
        }
        task.ResultFiles = files;
        task.ResultCheckpoint = checkpoint;
        if (task.Status == RelayTaskStatus.Validated)
        {
            SetEndSuccess(task);
        }
        else
        {
            SetEndGroupSuccess(task);
        }
    });

    public string CurrentTaskOf(string address)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(address, out var node) && node.CurrentTask.Length > 0
                ? node.CurrentTask
                : "0x" + new string('0', 64);
        }
    }

    /// <summary>The score a set of result files must have: sha256 of the JSON (LLM) or 8-byte pHash per PNG (SD).</summary>
    public static string? ScoreOf(TaskType type, IReadOnlyList<byte[]> files)
    {
        if (type == TaskType.Llm)
        {
            return Crypto.Hex.Encode(SHA256.HashData(files[0]));
        }
        var score = new byte[files.Count * 8];
        for (var i = 0; i < files.Count; i++)
        {
            if (!PngImage.TryDecode(files[i], out var image))
            {
                return null;
            }
            PerceptualHash.Compute(image).CopyTo(score.AsSpan(i * 8));
        }
        return Crypto.Hex.Encode(score);
    }

    private RelayTask FindForNode(string commitment, string signer, string signatureField = "signature")
    {
        var task = Find(commitment);
        if (signer != task.SelectedNode)
        {
            throw RelayException.Validation(signatureField, "Signer not allowed");
        }
        return task;
    }

    private void RequireCurrentTask(RelayTask task, string signer)
    {
        if (!_nodes.TryGetValue(signer, out var node) || node.CurrentTask != task.Commitment)
        {
            throw RelayException.Validation("task_id_commitment", "node current task is wrong");
        }
    }

    private static bool TryDecodeScore(string score, out byte[] bytes)
    {
        bytes = [];
        if (!score.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || score.Length < 3)
        {
            return false;
        }
        try
        {
            bytes = Crypto.Hex.Decode(score);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
