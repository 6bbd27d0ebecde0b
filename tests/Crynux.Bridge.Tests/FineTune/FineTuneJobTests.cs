using System.Net;
using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;

namespace Crynux.Bridge.Tests.FineTune;

/// <summary>LoRA fine-tune jobs end to end on the devnet: rounds, checkpoints in and out, retries, the result ZIP.</summary>
public sealed class FineTuneJobTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_one_round_job_succeeds_and_its_result_is_the_nodes_archive_byte_for_byte()
    {
        await using var bridge = await TestBridge.StartAsync();
        var id = await FineTuneClient.CreateAsync(await FineTuneClient.PostJsonAsync(bridge, FineTuneClient.Body()));
        Assert.Equal(ClientTaskStatus.Success, (await bridge.WaitAsync(id)).Status);

        var rounds = await FineTuneClient.RoundsAsync(bridge, id);
        var round = Assert.Single(rounds);
        var relayTask = bridge.Devnet.Control.GetTask(round.TaskIdCommitment)!;
        Assert.Equal(7200, round.Timeout); // task.sd_finetune_timeout 120 minutes (the Relay sets its own at dispatch)
        Assert.Equal(["base:crynux-network/stable-diffusion-v1-5"], relayTask.ModelIds);
        using (var args = JsonDocument.Parse(relayTask.TaskArgs))
        {
            Assert.False(args.RootElement.TryGetProperty("checkpoint", out _));
            Assert.Equal(100, args.RootElement.GetProperty("train_args").GetProperty("max_train_steps").GetInt32());
            Assert.Equal(8, args.RootElement.GetProperty("lora").GetProperty("rank").GetInt32());
        }

        using var result = await FineTuneClient.ResultAsync(bridge, id);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("application/zip", result.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment; filename=result.zip", result.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal("File Transfer", result.Headers.GetValues("Content-Description").Single());
        Assert.Equal("binary", result.Headers.GetValues("Content-Transfer-Encoding").Single());
        var bytes = await result.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(bridge.Devnet.Control.GetResultCheckpoint(round.TaskIdCommitment), bytes);
        Assert.Contains("FINISH", FineTuneClient.EntryNames(bytes));

        var anonymous = await FineTuneClient.StatusAsync(bridge, id, key: null);
        Assert.Equal(["id", "status"], anonymous.EnumerateObject().Select(p => p.Name));
        Assert.Equal("success", anonymous.GetProperty("status").GetString());
        var owned = await FineTuneClient.StatusAsync(bridge, id, bridge.ApiKey);
        Assert.Equal(1, owned.GetProperty("rounds_done").GetInt32());
        Assert.Equal(0, owned.GetProperty("failed_rounds").GetInt32());
        Assert.Equal(1, bridge.CountLedger("TaskPayment"));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task A_three_round_json_job_continues_each_rounds_checkpoint_with_one_relay_task_and_fee_per_round(string driver)
    {
        await using var bridge = await TestBridge.StartAsync(driver, devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { FinetuneRounds = 3 });
        var id = await FineTuneClient.CreateAsync(await FineTuneClient.PostJsonAsync(bridge, FineTuneClient.Body()));
        Assert.Equal(ClientTaskStatus.Success, (await bridge.WaitAsync(id)).Status);

        var rounds = await FineTuneClient.RoundsAsync(bridge, id);
        Assert.Equal(3, rounds.Count);
        var control = bridge.Devnet.Control;
        Assert.Null(control.GetInputCheckpoint(rounds[0].TaskIdCommitment));
        for (var i = 1; i < 3; i++)
        {
            // Each next round uploads (multipart) exactly what the previous round's node produced.
            Assert.Equal(control.GetResultCheckpoint(rounds[i - 1].TaskIdCommitment), control.GetInputCheckpoint(rounds[i].TaskIdCommitment));
            Assert.DoesNotContain("FINISH", FineTuneClient.EntryNames(control.GetResultCheckpoint(rounds[i - 1].TaskIdCommitment)!));
        }
        using var result = await FineTuneClient.ResultAsync(bridge, id);
        Assert.Equal(control.GetResultCheckpoint(rounds[2].TaskIdCommitment), await result.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(3, control.GetTasks().Count);
        Assert.Equal(3, bridge.CountLedger("TaskPayment"));
        Assert.Equal(3, (await FineTuneClient.StatusAsync(bridge, id, bridge.ApiKey)).GetProperty("rounds_done").GetInt32());
    }

    [Fact]
    public async Task A_job_whose_node_never_finishes_stops_at_the_operators_round_limit()
    {
        // The node would want five rounds; the operator allows two Relay tasks per job.
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { FinetuneRounds = 5 },
            configure: o => o.Task.SdFinetuneMaxRounds = 2);
        var id = await FineTuneClient.CreateAsync(await FineTuneClient.PostJsonAsync(bridge, FineTuneClient.Body()));
        var done = await bridge.WaitAsync(id);
        Assert.Equal(ClientTaskStatus.Failed, done.Status);
        Assert.Contains("task.sd_finetune_max_rounds is 2", done.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await FineTuneClient.RoundsAsync(bridge, id)).Count);
        Assert.Equal(2, bridge.Devnet.Control.GetTasks().Count);
        Assert.Equal(2, bridge.CountLedger("TaskPayment"));
        var status = await FineTuneClient.StatusAsync(bridge, id, bridge.ApiKey);
        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Equal(2, status.GetProperty("rounds_done").GetInt32());
    }

    [Fact]
    public async Task A_three_round_multipart_job_starts_from_the_uploaded_checkpoint_and_reads_form_fields_by_type()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { FinetuneRounds = 3 });
        var uploaded = FineTuneClient.Zip(("pytorch_lora_weights.safetensors", "weights of an earlier run"));
        var fields = new Dictionary<string, string>
        {
            ["model_name"] = "crynux-network/stable-diffusion-v1-5",
            ["dataset_name"] = "lambdalabs/naruto-blip-captions",
            ["max_train_steps"] = "100",
            ["center_crop"] = "true",
            ["init_lora_weights"] = "gaussian",
            ["target_modules"] = "[\"to_q\",\"to_v\"]",
            ["learning_rate"] = "0.0002",
            ["timeout"] = "900",
        };
        var id = await FineTuneClient.CreateAsync(await FineTuneClient.PostMultipartAsync(bridge, fields, uploaded));
        Assert.Equal(ClientTaskStatus.Success, (await bridge.WaitAsync(id)).Status);

        var rounds = await FineTuneClient.RoundsAsync(bridge, id);
        Assert.Equal(3, rounds.Count);
        var control = bridge.Devnet.Control;
        Assert.Equal(uploaded, control.GetInputCheckpoint(rounds[0].TaskIdCommitment));
        Assert.Equal(control.GetResultCheckpoint(rounds[0].TaskIdCommitment), control.GetInputCheckpoint(rounds[1].TaskIdCommitment));
        var first = control.GetTask(rounds[0].TaskIdCommitment)!;
        Assert.Equal(900, rounds[0].Timeout);
        using (var args = JsonDocument.Parse(first.TaskArgs))
        {
            var root = args.RootElement;
            Assert.True(root.GetProperty("transforms").GetProperty("center_crop").GetBoolean());
            Assert.Equal("gaussian", root.GetProperty("lora").GetProperty("init_lora_weights").GetString());
            Assert.Equal(["to_q", "to_v"], root.GetProperty("lora").GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(0.0002, root.GetProperty("train_args").GetProperty("learning_rate").GetDouble());
            // The bridge's own name for the upload, relative to its data folder: no path of the machine goes to the network.
            Assert.Matches("^[0-9a-f]{32}_checkpoint\\.zip$", root.GetProperty("checkpoint").GetString());
        }
        using var result = await FineTuneClient.ResultAsync(bridge, id);
        Assert.Equal(control.GetResultCheckpoint(rounds[2].TaskIdCommitment), await result.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(3, bridge.CountLedger("TaskPayment"));
    }

    [Fact]
    public async Task A_round_that_fails_is_created_again_and_the_job_still_succeeds()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { ErrorRate = 1, FinetuneRounds = 2 });
        var id = await FineTuneClient.CreateAsync(await FineTuneClient.PostJsonAsync(bridge, FineTuneClient.Body()));
        var first = (await FineTuneClient.RoundsAsync(bridge, id))[0];
        await bridge.Devnet.Control.WaitForStatusAsync(first.TaskIdCommitment, Ct, global::Crynux.Devnet.Relay.RelayTaskStatus.ErrorReported);
        bridge.Devnet.Control.DefaultNodeBehaviour = new NodeBehaviour { FinetuneRounds = 2 };
        Assert.Equal(ClientTaskStatus.Success, (await bridge.WaitAsync(id)).Status);

        var members = await bridge.Service<TaskStore>().GetMembersAsync(id, Ct);
        var failed = members.Count(m => m.State == InferenceStatus.EndAborted);
        // The first round failed; its retry may have run before the nodes were healed (at most the three retries).
        Assert.InRange(failed, 1, 3);
        Assert.Equal(failed + 2, members.Count);
        Assert.Equal(members.Count, bridge.Devnet.Control.GetTasks().Count);
        Assert.Equal(failed, bridge.CountLedger("TaskRefund"));
        var status = await FineTuneClient.StatusAsync(bridge, id, bridge.ApiKey);
        Assert.Equal(failed, status.GetProperty("failed_rounds").GetInt32());
        Assert.Equal(2, status.GetProperty("rounds_done").GetInt32());
    }

    [Fact]
    public async Task Four_failed_rounds_fail_the_job_with_the_reason_and_give_the_use_back()
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { ErrorRate = 1 });
        var key = await bridge.CreateKeyAsync("0x" + new string('4', 40), "image", useLimit: 5, rateLimit: 0);
        var id = await FineTuneClient.CreateAsync(await FineTuneClient.PostJsonAsync(bridge, FineTuneClient.Body(), key));
        var done = await bridge.WaitAsync(id);
        Assert.Equal(ClientTaskStatus.Failed, done.Status);
        Assert.StartsWith("task_error:", done.Error, StringComparison.Ordinal);
        Assert.Contains("4 rounds failed", done.Error, StringComparison.Ordinal);

        Assert.Equal(4, (await FineTuneClient.RoundsAsync(bridge, id)).Count);
        Assert.Equal(4, bridge.Devnet.Control.GetTasks().Count);
        Assert.Equal(4, bridge.CountLedger("TaskPayment"));
        Assert.Equal(4, bridge.CountLedger("TaskRefund"));
        var row = await bridge.Service<ApiKeyStore>().FindByClientAsync(global::Crynux.Crypto.EthAddress.ToChecksum("0x" + new string('4', 40)), Ct);
        Assert.Equal(0, row!.UsedCount);
        var status = await FineTuneClient.StatusAsync(bridge, id, key);
        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Equal(4, status.GetProperty("failed_rounds").GetInt32());
        Assert.Contains("task_error", status.GetProperty("error").GetString(), StringComparison.Ordinal);
        using var result = await FineTuneClient.ResultAsync(bridge, id, key);
        Assert.Equal(HttpStatusCode.Conflict, result.StatusCode);
    }

    [Fact]
    public async Task Status_and_result_answer_only_the_owner_and_404_an_unknown_or_foreign_id()
    {
        await using var bridge = await TestBridge.StartAsync();
        var id = await FineTuneClient.CreateAsync(await FineTuneClient.PostJsonAsync(bridge, FineTuneClient.Body()));
        await bridge.WaitAsync(id);
        var other = await bridge.CreateKeyAsync("0x" + new string('5', 40), "image", useLimit: 0, rateLimit: 0);
        foreach (var (path, key) in new[] { ($"v1/images/models/{id}/status", other), ($"v1/images/models/{id}/result", other), ($"v1/images/models/{id + 1000}/status", null),
                     ($"v1/images/models/{id + 1000}/result", bridge.ApiKey) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(bridge.BaseUrl, path));
            if (key is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            }
            using var response = await bridge.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("id", (await TestBridge.JsonAsync(response)).GetProperty("data").GetProperty("field_name").GetString());
        }
        // A raw task's id is not a fine-tune job.
        var raw = await bridge.SubmitRawAsync(TestTasks.LlmTask());
        using var rawStatus = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, $"v1/images/models/{raw}/status"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, rawStatus.StatusCode);
        using var noKey = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, $"v1/images/models/{id}/result"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
    }
}
