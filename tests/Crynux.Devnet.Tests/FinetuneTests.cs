using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>SD fine-tune tasks: the timeout rule, the multipart input checkpoint and the result checkpoint download.</summary>
public class FinetuneTests
{
    internal static TaskSpec Finetune() => new()
    {
        TaskType = 2,
        MinVram = 24,
        ModelIds = ["base:crynux-network/stable-diffusion-v1-5"],
        TaskArgs = new JsonObject
        {
            ["model"] = new JsonObject { ["name"] = "crynux-network/Stable-Diffusion-v1-5" },
            ["dataset"] = new JsonObject { ["url"] = "https://example.invalid/data.zip" },
            ["validation"] = new JsonObject { ["prompt"] = "a cat" },
            ["train_args"] = new JsonObject { ["num_train_epochs"] = 1 },
        }.ToJsonString(),
    };

    internal static async Task<SigningClient.Reply> CreateMultipartAsync(TestDevnet devnet, TaskSpec spec, ulong timeout, byte[]? checkpoint)
    {
        var signed = new JsonObject
        {
            ["task_id_commitment"] = spec.Commitment,
            ["task_args"] = spec.TaskArgs,
            ["task_type"] = 2,
            ["nonce"] = spec.Nonce,
            ["task_model_ids"] = new JsonArray(spec.ModelIds[0]),
            ["min_vram"] = 24,
            ["required_gpu"] = "",
            ["required_gpu_vram"] = 0,
            ["task_version"] = spec.TaskVersion,
            ["task_size"] = 1,
            ["task_fee"] = spec.TaskFee.ToString(CultureInfo.InvariantCulture),
        };
        if (timeout != 0)
        {
            signed["timeout"] = timeout;
        }
        var (ts, sig) = devnet.Creator.Sign(signed);
        using var form = new MultipartFormDataContent();
        foreach (var (key, value) in signed)
        {
            if (key is not "task_id_commitment" and not "task_model_ids")
            {
                form.Add(new StringContent(value!.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()), key);
            }
        }
        form.Add(new StringContent(spec.ModelIds[0]), "task_model_ids");
        form.Add(new StringContent(ts), "timestamp");
        form.Add(new StringContent(sig), "signature");
        if (checkpoint is not null)
        {
            form.Add(new ByteArrayContent(checkpoint), "checkpoint", "checkpoint.zip");
        }
        return await devnet.Creator.SendAsync(HttpMethod.Post, $"v1/inference_tasks/{spec.Commitment}", form);
    }

    [Fact]
    public async Task Finetune_needs_a_timeout_and_its_checkpoint_downloads_after_success()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var missing = await CreateMultipartAsync(devnet, Finetune(), 0, [1, 2, 3]);
        Assert.Equal(("timeout", "Timeout is required for fine-tune tasks"), missing.Validation);

        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var spec = Finetune();
        var created = await CreateMultipartAsync(devnet, spec, 900, [1, 2, 3]);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(900UL, created.Data!["timeout"]!.GetValue<ulong>());
        Assert.Contains("crynux-network/stable-diffusion-v1-5", created.Data!["task_args"]!.GetValue<string>());

        var ready = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        var (ts, sig) = devnet.Creator.Sign(new JsonObject { ["task_id_commitment"] = spec.Commitment });
        var input = await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{spec.Commitment}/checkpoint?timestamp={ts}&signature={sig}");
        Assert.Equal(new byte[] { 1, 2, 3 }, input.Bytes);
        var selected = await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{spec.Commitment}/selected_node?timestamp={ts}&signature={sig}");
        Assert.Equal(ready.SelectedNode, selected.Body!["Data"]!["address"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(ready))).Status);
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.EndSuccess);
        (ts, sig) = devnet.Creator.Sign(new JsonObject { ["task_id_commitment"] = spec.Commitment });
        var checkpoint = await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{spec.Commitment}/results/checkpoint?timestamp={ts}&signature={sig}");
        Assert.Equal(HttpStatusCode.OK, checkpoint.Status);
        using var zip = new ZipArchive(new MemoryStream(checkpoint.Bytes));
        Assert.Equal(["FINISH", "pytorch_lora_weights.safetensors", "round"], zip.Entries.Select(e => e.FullName).Order());
    }

    [Fact]
    public async Task Nodes_continue_the_input_checkpoint_and_finish_after_the_configured_rounds()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { FinetuneRounds = 3 });
        byte[]? checkpoint = null;
        var rounds = new List<(string Round, bool Finish)>();
        for (var i = 0; i < 3; i++)
        {
            devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
            var spec = Finetune();
            if (checkpoint is not null)
            {
                var args = JsonNode.Parse(spec.TaskArgs)!.AsObject();
                args["checkpoint"] = "checkpoint.zip";
                spec = spec with { TaskArgs = args.ToJsonString() };
            }
            var created = await CreateMultipartAsync(devnet, spec, 900, checkpoint);
            Assert.Equal(HttpStatusCode.OK, created.Status);
            var ready = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
            Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(ready))).Status);
            await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.EndSuccess);
            var (ts, sig) = devnet.Creator.Sign(new JsonObject { ["task_id_commitment"] = spec.Commitment });
            checkpoint = (await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{spec.Commitment}/results/checkpoint?timestamp={ts}&signature={sig}")).Bytes;
            using var zip = new ZipArchive(new MemoryStream(checkpoint));
            using var round = new StreamReader(zip.GetEntry("round")!.Open());
            rounds.Add((round.ReadToEnd(), zip.GetEntry("FINISH") is not null));
        }
        Assert.Equal([("1", false), ("2", false), ("3", true)], rounds);
    }
}
