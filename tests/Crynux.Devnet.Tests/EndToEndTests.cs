using System.Net;
using System.Text.Json.Nodes;
using Crynux.Devnet.Media;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

public class EndToEndTests
{
    [Fact]
    public async Task Sd_task_runs_create_to_download_with_pngs_of_the_asked_size()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var spec = TaskSpec.Sd(width: 80, height: 56, images: 2);
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        await devnet.CreateAsync(spec);
        Assert.Equal(TestDevnet.InitialFunds - spec.TaskFee, devnet.Control.GetBalance(devnet.Creator.Address));

        var ready = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        Assert.Equal(2 * 16 + 2, ready.Score.Length);
        var validate = await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(ready));
        Assert.Equal(HttpStatusCode.OK, validate.Status);
        var done = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.EndSuccess);

        for (var i = 0; i < 2; i++)
        {
            var file = await devnet.Creator.ResultAsync(spec.Commitment, i);
            Assert.Equal(HttpStatusCode.OK, file.Status);
            var image = PngImage.Decode(file.Bytes);
            Assert.Equal((80, 56), (image.Width, image.Height));
        }
        Assert.Equal(("index", "File not found"), (await devnet.Creator.ResultAsync(spec.Commitment, 2)).Validation);
        var (ts, sig) = devnet.Creator.Sign(new JsonObject { ["index"] = "1", ["task_id_commitment"] = spec.Commitment });
        using var raw = await devnet.Http.GetAsync(new Uri($"v1/inference_tasks/{spec.Commitment}/results/1?timestamp={ts}&signature={sig}", UriKind.Relative),
            TestContext.Current.CancellationToken);
        Assert.Equal("attachment; filename=1.png", raw.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal("application/octet-stream", raw.Content.Headers.ContentType!.MediaType);
        Assert.Equal("File Transfer", raw.Headers.GetValues("Content-Description").Single());
        Assert.Equal(TestDevnet.InitialFunds - spec.TaskFee, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(spec.TaskFee, devnet.Control.GetBalance(done.SelectedNode));
        var ledger = devnet.Control.GetLedger();
        Assert.Equal([LedgerKind.Fund, LedgerKind.TaskPayment, LedgerKind.TaskIncome], ledger.Select(e => e.Kind));
    }

    [Fact]
    public async Task Llm_task_runs_end_to_end_and_result_is_gpt_task_json()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var spec = TaskSpec.Llm();
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        await devnet.CreateAsync(spec);
        var ready = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(ready))).Status);
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.EndSuccess);

        var file = await devnet.Creator.ResultAsync(spec.Commitment, 0);
        Assert.Equal(HttpStatusCode.OK, file.Status);
        var result = JsonNode.Parse(file.Bytes)!;
        Assert.Equal("qwen/qwen2.5-7b", result["model"]!.GetValue<string>());
        var choice = result["choices"]![0]!;
        Assert.Equal("assistant", choice["message"]!["role"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(choice["message"]!["content"]!.GetValue<string>()));
        var usage = result["usage"]!;
        Assert.Equal(usage["prompt_tokens"]!.GetValue<int>() + usage["completion_tokens"]!.GetValue<int>(), usage["total_tokens"]!.GetValue<int>());
        Assert.Equal(ready.Score, Crypto.Hex.Encode(System.Security.Cryptography.SHA256.HashData(file.Bytes)));
    }
}
