using System.IO.Compression;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Relay;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Relay2026;

/// <summary>
/// The bridge against a 2026 Relay: it finds the whole-result route by an unsigned probe, downloads each task's result in
/// one request (LLM JSON, or a ZIP of every image), and refuses any archive that is not exactly task_size
/// <c>&lt;i&gt;.png</c> entries within the byte bound, fetching it again and never storing it.
/// </summary>
public sealed class WholeResultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_images_and_a_validation_group_succeed_on_a_2026_relay_with_one_result_download_each()
    {
        using var recorder = new RelayCallRecorder();
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Protocol = 2026, unselectedSeeds: false, relayHandler: recorder);
        Assert.True(await bridge.Service<RelayClient>().HasWholeResultsAsync(Ct));

        var sd = await bridge.RunRawAsync(TestTasks.SdTask(2));
        Assert.Equal(ClientTaskStatus.Success, sd.Status);
        var member = (await bridge.Service<TaskStore>().GetInferenceTaskAsync(sd.ResultTaskId!.Value, Ct))!;
        var files = bridge.Service<ResultFiles>().FilesOf(member);
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.Equal(0x89, File.ReadAllBytes(f)[0]));

        var llm = await bridge.RunRawAsync(TestTasks.LlmTask());
        Assert.Equal(ClientTaskStatus.Success, llm.Status);

        bridge.Devnet.Control.EnqueueSamplingSeed(TestTasks.SelectedSeed(bridge.Wallet));
        var group = await bridge.RunRawAsync(TestTasks.SdTask(1));
        Assert.Equal(ClientTaskStatus.Success, group.Status);
        var members = await bridge.Service<TaskStore>().GetMembersAsync(group.Id, Ct);
        Assert.Equal(3, members.Count);
        Assert.Single(members, m => m.State == InferenceStatus.ResultDownloaded);
        Assert.Equal(2, bridge.CountLedger("TaskRefund"));

        var gets = recorder.Calls.Where(c => c.Method == "GET" && c.Path.Contains("/results", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(gets, c => !c.Path.EndsWith("/results", StringComparison.Ordinal)); // never the removed per-index route
        Assert.Equal(3, gets.Count(c => !c.Path.Contains("0x00000000000000000000", StringComparison.Ordinal))); // one download per task
        Assert.Equal(1, gets.Count(c => c.Path.Contains("0x00000000000000000000", StringComparison.Ordinal))); // one probe, remembered
    }

    [Fact]
    public async Task A_2025_relay_is_probed_once_and_served_one_file_per_index()
    {
        using var recorder = new RelayCallRecorder();
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Protocol = 2025, relayHandler: recorder);
        var sd = await bridge.RunRawAsync(TestTasks.SdTask(2));
        Assert.Equal(ClientTaskStatus.Success, sd.Status);
        Assert.False(await bridge.Service<RelayClient>().HasWholeResultsAsync(Ct));
        var gets = recorder.Calls.Where(c => c.Method == "GET" && c.Path.Contains("/results", StringComparison.Ordinal)).Select(c => c.Path).ToList();
        Assert.Equal(2, gets.Count(p => p.EndsWith("/results/0", StringComparison.Ordinal) || p.EndsWith("/results/1", StringComparison.Ordinal)));
        Assert.Single(gets, p => p.EndsWith("/results", StringComparison.Ordinal));
    }

    private static readonly Lazy<byte[]> GigabyteOfZeros = new(() => new byte[1024 * 1024]);

    public static TheoryData<string> Tamperings() => ["extra", "missing", "dotdot", "bomb", "duplicate"];

    private static void Tamper(string kind, ZipArchive zip, IReadOnlyList<byte[]> images)
    {
        switch (kind)
        {
            case "extra":
                ResultArchiveRewriter.Add(zip, "0.png", images[0]);
                ResultArchiveRewriter.Add(zip, "1.png", images[1]);
                ResultArchiveRewriter.Add(zip, "2.png", images[1]);
                break;
            case "missing":
                ResultArchiveRewriter.Add(zip, "0.png", images[0]);
                break;
            case "dotdot":
                ResultArchiveRewriter.Add(zip, "0.png", images[0]);
                ResultArchiveRewriter.Add(zip, "../1.png", images[1]);
                break;
            case "duplicate":
                ResultArchiveRewriter.Add(zip, "0.png", images[0]);
                ResultArchiveRewriter.Add(zip, "00.png", images[1]);
                break;
            case "bomb":
                ResultArchiveRewriter.Add(zip, "0.png", images[0]);
                using (var stream = zip.CreateEntry("1.png", CompressionLevel.Fastest).Open())
                {
                    for (var i = 0; i < 1024; i++)
                    {
                        stream.Write(GigabyteOfZeros.Value); // 1 GiB of zeros, a few MB packed
                    }
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task A_bad_result_archive_is_refused_fetched_again_and_never_stored(string kind)
    {
        using var rewriter = new ResultArchiveRewriter((zip, images) => Tamper(kind, zip, images));
        // A 16 MiB bound (the default is 256 MiB): the 1 GiB bomb stops there at once.
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Protocol = 2026, relayHandler: rewriter,
            configure: o => o.Relay.MaxResultBytes = 16L * 1024 * 1024);
        var sd = await bridge.RunRawAsync(TestTasks.SdTask(2));

        Assert.Equal(ClientTaskStatus.Success, sd.Status);
        Assert.Equal(1, rewriter.Rewritten);
        Assert.Equal(2, rewriter.WholeDownloads); // the refused one, then the good one
        var member = (await bridge.Service<TaskStore>().GetInferenceTaskAsync(sd.ResultTaskId!.Value, Ct))!;
        var files = bridge.Service<ResultFiles>().FilesOf(member);
        Assert.Equal(2, files.Count);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(rewriter.Originals[i], File.ReadAllBytes(files[i]));
        }
        // Nothing else was written: no extra entry, no file outside the task's folder, no temporary left behind.
        var folder = Path.GetDirectoryName(files[0])!;
        Assert.Equal(["0.png", "1.png"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([folder], Directory.GetDirectories(bridge.Service<ResultFiles>().Root));
        Assert.Empty(Directory.GetFiles(bridge.Service<ResultFiles>().Root));
    }
}
