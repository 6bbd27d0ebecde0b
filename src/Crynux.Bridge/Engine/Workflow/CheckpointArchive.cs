using System.IO.Compression;

namespace Crynux.Bridge.Engine.Workflow;

/// <summary>
/// Checks a fine-tune checkpoint (a client's upload or a round's download) before it is used: a ZIP whose central
/// directory reads and whose every entry unpacks with a matching CRC, within a byte budget (a ZIP bomb stops there).
/// Nothing is extracted: the archive is passed on whole, and only the entry named exactly <c>FINISH</c> means anything.
/// </summary>
public static class CheckpointArchive
{
    public const string FinishEntry = "FINISH";

    /// <summary>Whether the archive says the training is done, or why it is refused.</summary>
    public static (bool Finished, string? Problem) Inspect(string zipPath, long maxUnpackedBytes)
    {
        try
        {
            using var zip = ZipFile.OpenRead(zipPath);
            var budget = maxUnpackedBytes;
            var buffer = new byte[81920];
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    budget -= read;
                    if (budget < 0)
                    {
                        return (false, $"the archive unpacks to more than {maxUnpackedBytes} bytes");
                    }
                }
            }
            return (zip.Entries.Any(e => e.FullName == FinishEntry), null);
        }
        catch (InvalidDataException e)
        {
            return (false, "not a readable ZIP archive: " + e.Message);
        }
    }
}
