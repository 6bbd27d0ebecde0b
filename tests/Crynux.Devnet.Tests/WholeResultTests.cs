using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Crynux.Devnet.Media;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>GET …/results (2026) and the protocol switch's route set.</summary>
public class WholeResultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sd_result_is_one_zip_of_task_size_deflate_pngs_in_order_streamed_without_length()
    {
        await using var devnet = await Protocol2026.StartAsync();
        var spec = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Sd(width: 72, height: 40, images: 3));

        using var response = await devnet.Creator.WholeResultAsync(devnet.Http, spec.Commitment);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment; filename=results.zip", response.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal("File Transfer", response.Headers.GetValues("Content-Description").Single());
        Assert.Equal("binary", response.Headers.GetValues("Content-Transfer-Encoding").Single());
        Assert.True(response.Headers.TransferEncodingChunked);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);

        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        Assert.Equal(["0.png", "1.png", "2.png"], zip.Entries.Select(e => e.FullName));
        foreach (var entry in zip.Entries)
        {
            using var png = new MemoryStream();
            await using (var stream = await entry.OpenAsync(Ct))
            {
                await stream.CopyToAsync(png, Ct);
            }
            var image = PngImage.Decode(png.ToArray());
            Assert.Equal((72, 40), (image.Width, image.Height));
            // Local header: general-purpose flag bit 3 (sizes in a data descriptor) and method 8 (Deflate), as Go's streaming writer.
            var header = bytes.AsSpan((int)LocalHeaderOffset(bytes, entry.FullName));
            Assert.Equal(0x04034b50u, BinaryPrimitives.ReadUInt32LittleEndian(header));
            Assert.Equal(8, BinaryPrimitives.ReadUInt16LittleEndian(header[6..]) & 8);
            Assert.Equal(8, BinaryPrimitives.ReadUInt16LittleEndian(header[8..]));
        }
        Assert.Equal(TestDevnet.InitialFunds - spec.TaskFee, devnet.Control.GetBalance(devnet.Creator.Address));
    }

    /// <summary>The local-header offset of an entry, read from the central directory.</summary>
    private static uint LocalHeaderOffset(byte[] zip, string name)
    {
        for (var i = 0; i + 46 < zip.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) != 0x02014b50)
            {
                continue;
            }
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 28));
            if (System.Text.Encoding.ASCII.GetString(zip, i + 46, nameLength) == name)
            {
                return BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i + 42));
            }
        }
        throw new Xunit.Sdk.XunitException($"{name} is not in the central directory");
    }

    [Fact]
    public async Task Llm_result_is_the_json_file_as_application_json()
    {
        await using var devnet = await Protocol2026.StartAsync();
        var spec = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Llm());
        using var response = await devnet.Creator.WholeResultAsync(devnet.Http, spec.Commitment);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment; filename=0.json", response.Content.Headers.ContentDisposition!.ToString());
        Assert.True(response.Headers.TransferEncodingChunked);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal("assistant", JsonNode.Parse(bytes)!["choices"]![0]!["message"]!["role"]!.GetValue<string>());
        Assert.Equal(devnet.Control.GetTask(spec.Commitment)!.Score, Crypto.Hex.Encode(System.Security.Cryptography.SHA256.HashData(bytes)));
    }

    [Fact]
    public async Task Result_errors_come_in_the_relays_order_and_change_nothing()
    {
        await using var devnet = await Protocol2026.StartAsync(o => o.ResultMaxUncompressedBytes = 100);
        var spec = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Sd());
        var c = spec.Commitment;
        var (ts, sig) = devnet.Creator.Sign(new JsonObject { ["task_id_commitment"] = c });
        var balance = devnet.Control.GetBalance(devnet.Creator.Address);
        var ledger = devnet.Control.GetLedger().Count;

        async Task<(string?, string?)> Get(string query) =>
            (await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{c}/results{query}")).Validation;

        Assert.Equal(("Timestamp", "required"), await Get(""));
        Assert.Equal(("Signature", "required"), await Get($"?timestamp={ts}"));
        Assert.Equal(("", "strconv.ParseInt: parsing \"soon\": invalid syntax"), await Get($"?timestamp=soon&signature={sig}"));
        Assert.Equal(("signature", "Invalid signature"), await Get($"?timestamp={ts}&signature=0x{new string('1', 130)}"));
        var other = devnet.ClientFor(Crypto.EthKey.Generate());
        var unknown = "0x" + new string('5', 64);
        var (uts, usig) = devnet.Creator.Sign(new JsonObject { ["task_id_commitment"] = unknown });
        Assert.Equal(("task_id_commitment", "Task not found"),
            (await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{unknown}/results?timestamp={uts}&signature={usig}")).Validation);
        using (var foreign = await other.WholeResultAsync(devnet.Http, c))
        {
            Assert.Contains("Signer not allowed", await foreign.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        Assert.Equal(("task_id_commitment", "Task result exceeds maximum aggregate size"), await Get($"?timestamp={ts}&signature={sig}"));

        var queued = await devnet.CreateAsync(TaskSpec.Sd() with { MinVram = 1000 });
        using (var early = await devnet.Creator.WholeResultAsync(devnet.Http, queued.Commitment))
        {
            Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
            Assert.Contains("\"field_name\":\"task_id\",\"message\":\"Task results not uploaded\"", await early.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        Assert.Equal(balance - queued.TaskFee, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(ledger + 1, devnet.Control.GetLedger().Count);
        Assert.Equal(RelayTaskStatus.EndSuccess, devnet.Control.GetTask(c)!.Status);
    }

    [Fact]
    public async Task Task_shapes_without_a_whole_result_get_their_errors_and_fine_tune_keeps_its_checkpoint_route()
    {
        await using var devnet = await Protocol2026.StartAsync();
        async Task<string> Error(TaskSpec spec)
        {
            using var response = await devnet.Creator.WholeResultAsync(devnet.Http, spec.Commitment);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var data = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["data"]!;
            return data["field_name"]!.GetValue<string>() + ": " + data["message"]!.GetValue<string>();
        }

        var llmTwo = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Llm() with { TaskSize = 2 });
        Assert.Equal("task_id_commitment: LLM task size must be 1", await Error(llmTwo));
        var sdZero = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Sd(images: 1) with { TaskSize = 0 });
        Assert.Equal("task_id_commitment: Task result size is invalid", await Error(sdZero));
        var sdShort = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Sd(images: 2) with { TaskSize = 3 });
        Assert.Equal("task_id_commitment: Task result files are incomplete", await Error(sdShort));

        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var finetune = FinetuneTests.Finetune();
        Assert.Equal(HttpStatusCode.OK, (await FinetuneTests.CreateMultipartAsync(devnet, finetune, 900, [1, 2, 3])).Status);
        var ready = await devnet.WaitAsync(finetune.Commitment, RelayTaskStatus.ScoreReady);
        Assert.Equal("task_id: Task results not uploaded", await Error(finetune));
        await devnet.Creator.ValidateAsync([finetune.Commitment], finetune.TaskId, TestDevnet.SeedOf(ready));
        await devnet.WaitAsync(finetune.Commitment, RelayTaskStatus.EndSuccess);
        Assert.Equal("task_id_commitment: Whole-task result download is not available for fine-tune tasks", await Error(finetune));
        var (ts, sig) = devnet.Creator.Sign(new JsonObject { ["task_id_commitment"] = finetune.Commitment });
        var checkpoint = await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{finetune.Commitment}/results/checkpoint?timestamp={ts}&signature={sig}");
        Assert.Equal(HttpStatusCode.OK, checkpoint.Status);
    }

    [Fact]
    public async Task Probes_tell_a_2026_relay_from_a_2025_one()
    {
        var zero = "0x" + new string('0', 64);
        var statusProbe = new JsonObject { ["task_id_commitments"] = new JsonArray(), ["timestamp"] = 1, ["signature"] = "0x00" };
        await using (var devnet = await Protocol2026.StartAsync())
        {
            Assert.Equal(("Timestamp", "required"), (await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{zero}/results")).Validation);
            Assert.Equal(("task_id_commitments", "Batch must contain at least one item"),
                (await devnet.Creator.PostJsonAsync("v1/inference_tasks/batch/status", statusProbe)).Validation);
            Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.SendAsync(HttpMethod.Get, "v2/tasks/queued/priority")).Status);
            await Protocol2026.AssertGin404Async(devnet.Http, HttpMethod.Get, $"v1/inference_tasks/{zero}/results/0");
            Assert.Equal(2026, devnet.Control.Protocol);
        }
        await using (var old = await TestDevnet.StartAsync())
        {
            Assert.Equal(2025, old.Control.Protocol);
            await Protocol2026.AssertGin404Async(old.Http, HttpMethod.Get, $"v1/inference_tasks/{zero}/results");
            foreach (var path in new[] { "v1/inference_tasks/batch/status", "v1/inference_tasks/batch/validate", "v1/inference_tasks/batch/abort" })
            {
                await Protocol2026.AssertGin404Async(old.Http, HttpMethod.Post, path);
            }
            foreach (var path in new[] { "v2/loaded-models", "v2/models/sd/execution-time?model=x&min_vram=8", "v2/models/llm/execution-time?model=x&min_vram=8", "v2/tasks/queued/priority" })
            {
                await Protocol2026.AssertGin404Async(old.Http, HttpMethod.Get, path);
            }
            // As on the real old Relay, POST …/batch is the single create with commitment "batch": a JSON 400, nothing created.
            var batch = await old.Creator.PostJsonAsync("v1/inference_tasks/batch", statusProbe);
            Assert.Equal(HttpStatusCode.BadRequest, batch.Status);
            Assert.Equal("validation_error", batch.Message);
            Assert.Empty(old.Control.GetTasks());
        }
    }
}
