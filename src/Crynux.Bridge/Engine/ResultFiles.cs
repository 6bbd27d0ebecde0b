using System.Globalization;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Engine;

/// <summary>Where downloaded results live: &lt;data_dir.inference_tasks&gt;/&lt;commitment&gt;/&lt;index&gt;.png|.json, checkpoint.zip.</summary>
public sealed class ResultFiles
{
    public ResultFiles(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    public static string Extension(TaskType type) => type == TaskType.Llm ? ".json" : ".png";

    public string PathOf(string commitment, int index, TaskType type) =>
        Path.Combine(Root, commitment, index.ToString(CultureInfo.InvariantCulture) + Extension(type));

    public string CheckpointPath(string commitment) => Path.Combine(Root, commitment, "checkpoint.zip");

    /// <summary>The files a finished task produced, in index order (SDFT: the checkpoint only).</summary>
    public IReadOnlyList<string> FilesOf(InferenceTaskRow task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Type == TaskType.StableDiffusionFinetune)
        {
            return [CheckpointPath(task.TaskIdCommitment)];
        }
        return [.. Enumerable.Range(0, (int)Math.Max(1, task.TaskSize)).Select(i => PathOf(task.TaskIdCommitment, i, task.Type))];
    }

    /// <summary>
    /// The result member of a successful client task (the Relay task whose result it kept) and that member's files, in
    /// index order; null when the task has not succeeded or its member row is gone. The files may have been deleted
    /// since (retention): callers check before reading.
    /// </summary>
    public async Task<(InferenceTaskRow Member, IReadOnlyList<string> Paths)?> OfClientTaskAsync(TaskStore store, ClientTaskRow task, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(task);
        if (task.Status != ClientTaskStatus.Success || task.ResultTaskId is not { } resultId)
        {
            return null;
        }
        return await store.GetInferenceTaskAsync(resultId, ct) is { } member ? (member, FilesOf(member)) : null;
    }

    /// <summary>Writes a checked result file whole or not at all (a crash leaves no half file that a later pass would keep).</summary>
    public static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".part";
        await File.WriteAllBytesAsync(temporary, bytes, ct);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Deletes result folders older than the retention; returns how many went.</summary>
    public int DeleteOlderThan(DateTimeOffset cutoff)
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }
        var deleted = 0;
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            if (Directory.GetLastWriteTimeUtc(dir) < cutoff.UtcDateTime)
            {
                Directory.Delete(dir, recursive: true);
                deleted++;
            }
        }
        return deleted;
    }
}
