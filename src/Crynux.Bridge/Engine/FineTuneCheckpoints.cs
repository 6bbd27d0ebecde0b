using System.Text.RegularExpressions;

namespace Crynux.Bridge.Engine;

/// <summary>
/// Where a fine-tune job's input checkpoints live, named in a round's task_args by a path relative to the results
/// folder (never an absolute path of this machine): a client's upload <c>&lt;32 hex&gt;_checkpoint.zip</c>, or a
/// previous round's download <c>&lt;commitment&gt;/checkpoint.zip</c>. Only names of these two shapes are ever opened.
/// </summary>
public static partial class FineTuneCheckpoints
{
    public static string NewUploadName() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)) + "_checkpoint.zip";

    public static string RoundName(string commitment) => commitment + "/checkpoint.zip";

    /// <summary>The file a checkpoint name stands for, or null for a name of neither shape.</summary>
    public static string? Resolve(ResultFiles files, string name)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(name);
        return Shape().IsMatch(name) ? Path.Combine(files.Root, name) : null;
    }

    [GeneratedRegex(@"^(?:[0-9a-f]{32}_checkpoint\.zip|0x[0-9a-f]{64}/checkpoint\.zip)\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Shape();
}
