using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Crynux.Bridge.Engine.Workflow;

/// <summary>
/// Reads a 2026 Relay's image results, a ZIP of <c>0.png</c> … <c>(task_size-1).png</c>, without trusting it: exactly
/// task_size entries, each named <c>&lt;i&gt;.png</c> (digits only, so no path and no "..") with i in range and none twice,
/// at most a byte budget unpacked (a ZIP bomb stops at the budget), each entry's CRC checked. Entry names are only ever
/// parsed to an index: nothing from the archive becomes a path.
/// </summary>
public static partial class ResultArchive
{
    /// <summary>The images by index, or why the archive is refused (then nothing is kept).</summary>
    public static (byte[][]? Images, string? Problem) Read(string zipPath, int taskSize, long maxBytes)
    {
        try
        {
            using var zip = ZipFile.OpenRead(zipPath);
            if (zip.Entries.Count != taskSize)
            {
                return (null, $"the archive holds {zip.Entries.Count} entries, not {taskSize}");
            }
            var images = new byte[taskSize][];
            var budget = maxBytes;
            foreach (var entry in zip.Entries)
            {
                if (!EntryName().IsMatch(entry.FullName)
                    || !int.TryParse(entry.FullName.AsSpan(0, entry.FullName.Length - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    || index >= taskSize
                    || entry.FullName != index.ToString(CultureInfo.InvariantCulture) + ".png")
                {
                    return (null, "the archive holds an entry that is not <index>.png within the task size");
                }
                if (images[index] is not null)
                {
                    return (null, $"the archive holds {index}.png twice");
                }
                var bytes = ReadBounded(entry, budget);
                if (bytes is null)
                {
                    return (null, $"the archive unpacks to more than {maxBytes} bytes");
                }
                budget -= bytes.Length;
                images[index] = bytes;
            }
            return (images, null); // task_size distinct in-range entries: none is missing
        }
        catch (InvalidDataException e)
        {
            return (null, "not a readable ZIP: " + e.Message);
        }
    }

    /// <summary>The entry's bytes, read no further than <paramref name="budget"/> (null past it, whatever the entry claims).</summary>
    private static byte[]? ReadBounded(ZipArchiveEntry entry, long budget)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (copy.Length + read > budget)
            {
                return null;
            }
            copy.Write(buffer, 0, read);
        }
        return copy.ToArray();
    }

    [GeneratedRegex(@"^[0-9]+\.png\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EntryName();
}
