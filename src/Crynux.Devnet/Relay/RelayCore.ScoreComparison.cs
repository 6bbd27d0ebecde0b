using System.Numerics;

namespace Crynux.Devnet.Relay;

/// <summary>compareTaskScore (docs/protocol.md §5.4): pHash blocks within the distance threshold for SD, exact for LLM.</summary>
internal sealed partial class RelayCore
{
    private bool CompareScores(RelayTask a, RelayTask b)
    {
        if (a.TaskType != b.TaskType || a.Status != b.Status)
        {
            return false;
        }
        if (a.Status == RelayTaskStatus.ErrorReported)
        {
            return true;
        }
        if (a.Status != RelayTaskStatus.ScoreReady)
        {
            return false;
        }
        if (a.TaskType == TaskType.Llm)
        {
            return a.Score == b.Score;
        }
        byte[] left, right;
        try
        {
            left = Crypto.Hex.Decode(a.Score);
            right = Crypto.Hex.Decode(b.Score);
        }
        catch (FormatException)
        {
            return false;
        }
        if (left.Length != right.Length)
        {
            return false;
        }
        for (var offset = 0; offset + 8 <= left.Length; offset += 8)
        {
            var x = BitConverter.ToUInt64(left, offset) ^ BitConverter.ToUInt64(right, offset);
            if (BitOperations.PopCount(x) >= _options.DistanceThreshold)
            {
                return false;
            }
        }
        return true;
    }
}
