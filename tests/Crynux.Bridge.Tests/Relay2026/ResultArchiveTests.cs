using System.IO.Compression;
using Crynux.Bridge.Engine.Workflow;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Relay2026;

/// <summary>The ZIP reader for whole-task image results: what it accepts and why it refuses.</summary>
public sealed class ResultArchiveTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"crynux-archive-{Guid.NewGuid():N}.zip");

    public void Dispose() => File.Delete(_path);

    private string Write(params (string Name, byte[] Bytes)[] entries)
    {
        using (var zip = ZipFile.Open(_path, ZipArchiveMode.Create))
        {
            foreach (var (name, bytes) in entries)
            {
                ResultArchiveRewriter.Add(zip, name, bytes);
            }
        }
        return _path;
    }

    [Fact]
    public void Exactly_task_size_numbered_entries_are_read_by_index_whatever_their_order()
    {
        var (images, problem) = ResultArchive.Read(Write(("1.png", [2]), ("0.png", [1])), 2, 1024 * 1024);
        Assert.Null(problem);
        Assert.Equal([1], images![0]);
        Assert.Equal([2], images[1]);
    }

    public static TheoryData<string> BadNames() =>
    [
        "0.png|1.png|2.png", // one too many
        "0.png", // one missing (with task size 2, the count is off)
        "0.png|2.png", // out of range
        "0.png|../1.png",
        "0.png|a/1.png",
        "0.png|1.PNG",
        "0.png|01.png", // an index not in its plain spelling
        "0.png|1.png\n",
        "0.png|-1.png",
        "0.png|1.json",
    ];

    [Theory]
    [MemberData(nameof(BadNames))]
    public void An_archive_that_is_not_exactly_the_numbered_images_is_refused(string names)
    {
        var (images, problem) = ResultArchive.Read(Write([.. names.Split('|').Select(n => (n, new byte[] { 1 }))]), 2, 1024 * 1024);
        Assert.Null(images);
        Assert.NotNull(problem);
    }

    [Fact]
    public void A_zip_bomb_stops_at_the_byte_bound()
    {
        using (var zip = ZipFile.Open(_path, ZipArchiveMode.Create))
        {
            using var stream = zip.CreateEntry("0.png", CompressionLevel.Fastest).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++)
            {
                stream.Write(zeros);
            }
        }
        var (images, problem) = ResultArchive.Read(_path, 1, 8 * 1024 * 1024);
        Assert.Null(images);
        Assert.Contains("more than", problem, StringComparison.Ordinal);
        Assert.Null(ResultArchive.Read(_path, 1, 64 * 1024 * 1024).Problem); // the same archive fits a bound of its size
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_refused()
    {
        File.WriteAllBytes(_path, [1, 2, 3]);
        Assert.NotNull(ResultArchive.Read(_path, 1, 1024).Problem);
    }
}
