using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Crynux.Crypto;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>The 2026 batch endpoints: whole-request checks in order, per-item outcomes, ownership hiding, idempotency.</summary>
public class BatchTests
{
    private static (int Tasks, int Ledger, System.Numerics.BigInteger Balance) State(TestDevnet d) =>
        (d.Control.GetTasks().Count, d.Control.GetLedger().Count, d.Control.GetBalance(d.Creator.Address));

    [Fact]
    public async Task Batch_create_gives_one_outcome_per_item_in_order_and_charges_only_created_items()
    {
        await using var devnet = await Protocol2026.StartAsync(o =>
        {
            o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true };
            o.Hub.Models.Add("Black-Forest-Labs/Flux-Lite+fp16");
        });
        var sd = TaskSpec.Sd() with { MinVram = 1000 };
        var llm = TaskSpec.Llm() with { MinVram = 1000 };
        var badArgs = TaskSpec.Llm() with { TaskArgs = "{\"model\":\"x\"}" };
        var badVersion = TaskSpec.Sd() with { TaskVersion = "3.x.0" };
        var unknownModel = TaskSpec.Llm() with { ModelIds = ["base:nobody/no-such-model"] };
        var noVariant = TaskSpec.Sd() with { ModelIds = ["base:black-forest-labs/flux-lite"] };
        var hubOnly = TaskSpec.Sd() with { ModelIds = ["base:black-forest-labs/FLUX-lite+fp16"], MinVram = 1000 };
        var items = new JsonArray(
            BatchRequests.Item(sd), BatchRequests.Item(llm), BatchRequests.Item(badArgs), BatchRequests.Item(badVersion),
            BatchRequests.Item(unknownModel), BatchRequests.Item(noVariant), BatchRequests.Item(hubOnly));
        var finetune = BatchRequests.Item(TaskSpec.Sd());
        finetune["task_type"] = 2;
        items.Add(finetune);
        // Absent fields are signed as the Relay re-renders them: a null pointer, an empty string.
        var noVram = BatchRequests.Item(TaskSpec.Sd());
        noVram["min_vram"] = null;
        items.Add(noVram);
        var noNonce = BatchRequests.Item(TaskSpec.Sd());
        noNonce["nonce"] = "";
        items.Add(noNonce);

        var reply = await devnet.Creator.PostSignedAsync("v1/inference_tasks/batch", new JsonObject { ["items"] = items });
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var outcomes = reply.Outcomes();
        Assert.Equal(("created", null), outcomes[0]);
        Assert.Equal(("created", null), outcomes[1]);
        Assert.Equal("permanent_error", outcomes[2].Outcome);
        Assert.False(string.IsNullOrEmpty(outcomes[2].Error));
        Assert.Equal(("permanent_error", "invalid task version"), outcomes[3]);
        Assert.Equal(("permanent_error", "invalid base model\nhuggingface model not found"), outcomes[4]);
        Assert.Equal(("permanent_error", "invalid base model\nhuggingface model variant unavailable"), outcomes[5]);
        Assert.Equal(("created", null), outcomes[6]);
        Assert.Equal(("permanent_error", "batch creation supports only ordinary SD and LLM tasks"), outcomes[7]);
        Assert.Equal(("permanent_error", "min_vram and task_size are required"), outcomes[8]);
        Assert.Equal(("permanent_error", "required task input is missing"), outcomes[9]);
        var rows = reply.Data!.AsArray();
        Assert.All(rows.Skip(2).Where(r => r!["outcome"]!.GetValue<string>() != "created"), r =>
        {
            Assert.Equal(0, r!["status"]!.GetValue<int>());
            Assert.Null(r["sequence"]);
        });
        var stored = devnet.Control.GetTask(sd.Commitment)!;
        Assert.Equal((stored.Sequence, stored.SamplingSeed, 0), (rows[0]!["sequence"]!.GetValue<ulong>(), rows[0]!["sampling_seed"]!.GetValue<string>(), rows[0]!["status"]!.GetValue<int>()));
        Assert.Equal(sd.Commitment, rows[0]!["task_id_commitment"]!.GetValue<string>());
        Assert.Equal(3, devnet.Control.GetTasks().Count);
        Assert.Equal(TestDevnet.InitialFunds - (3 * sd.TaskFee), devnet.Control.GetBalance(devnet.Creator.Address));

        // A lost answer is re-sent: already_exists with the stored sequence, no second charge; a changed input conflicts.
        var again = await devnet.Creator.BatchCreateAsync(sd, llm with { TaskFee = llm.TaskFee + 1 });
        Assert.Equal(["already_exists", "commitment_conflict"], again.Outcomes().Select(o => o.Outcome));
        Assert.Equal(stored.Sequence, again.Data![0]!["sequence"]!.GetValue<ulong>());
        Assert.Equal(TestDevnet.InitialFunds - (3 * sd.TaskFee), devnet.Control.GetBalance(devnet.Creator.Address));
        var foreign = await devnet.ClientFor(EthKey.Generate()).BatchCreateAsync(sd);
        Assert.Equal(("commitment_conflict", null), foreign.Outcomes().Single());
        // The single create still answers a repeat with its own error.
        Assert.Equal(("task_id_commitment", "Task already uploaded"), (await devnet.Creator.CreateAsync(sd)).Validation);
    }

    [Fact]
    public async Task Hub_outage_is_temporary_balance_is_permanent_and_the_single_create_maps_both()
    {
        await using var devnet = await Protocol2026.StartAsync();
        var offDisk = TaskSpec.Llm() with { ModelIds = ["base:Qwen/Qwen2.5-72B-Instruct"] };
        Assert.Equal(("permanent_error", "invalid base model\nhuggingface model not found"), (await devnet.Creator.BatchCreateAsync(offDisk)).Outcomes().Single());
        Assert.Equal(("task_model_ids", "invalid base model\nhuggingface model not found"), (await devnet.Creator.CreateAsync(offDisk)).Validation);

        devnet.Control.AddHubModel("qwen/qwen2.5-72b-instruct");
        devnet.Control.HubAvailable = false;
        Assert.Equal(("temporary_error", "base model check temporarily unavailable"), (await devnet.Creator.BatchCreateAsync(offDisk)).Outcomes().Single());
        var single = await devnet.Creator.CreateAsync(offDisk);
        Assert.Equal((HttpStatusCode.InternalServerError, "base model check temporarily unavailable"), (single.Status, single.Message));
        // A model on some node's disk never asks the hub.
        Assert.Equal(("created", null), (await devnet.Creator.BatchCreateAsync(TaskSpec.Llm() with { MinVram = 1000 })).Outcomes().Single());

        devnet.Control.HubForcedStatus = 429;
        Assert.Equal(("permanent_error", "invalid base model\nhuggingface model not found: unexpected status 429"),
            (await devnet.Creator.BatchCreateAsync(offDisk)).Outcomes().Single());
        devnet.Control.HubAvailable = true;
        Assert.Equal(("created", null), (await devnet.Creator.BatchCreateAsync(offDisk)).Outcomes().Single());

        var poor = devnet.ClientFor(EthKey.Generate());
        Assert.Equal(("permanent_error", "insufficient relay account balance"), (await poor.BatchCreateAsync(TaskSpec.Sd())).Outcomes().Single());
        Assert.Equal(2, devnet.Control.GetTasks().Count);
    }

    [Fact]
    public async Task Whole_request_errors_come_in_order_size_duplicates_signature_and_change_nothing()
    {
        await using var devnet = await Protocol2026.StartAsync(o => o.BatchCreateMaxItems = 2);
        var before = State(devnet);
        var a = BatchRequests.Item(TaskSpec.Sd());
        var b = BatchRequests.Item(TaskSpec.Sd());

        async Task<(string?, string?)> Post(JsonObject body) => (await devnet.Creator.PostJsonAsync("v1/inference_tasks/batch", body)).Validation;
        async Task<(string?, string?)> Signed(JsonObject payload, bool badSignature = false) =>
            (await devnet.Creator.PostSignedAsync("v1/inference_tasks/batch", payload, badSignature ? s => s[..^2] + "05" : null)).Validation;

        Assert.Equal(("items", "required"), await Post(new JsonObject { ["timestamp"] = 1, ["signature"] = "0x00" }));
        Assert.Equal(("items", "required"), await Post(new JsonObject { ["items"] = null, ["timestamp"] = 1, ["signature"] = "0x00" }));
        Assert.Equal(("timestamp", "required"), await Post(new JsonObject { ["items"] = new JsonArray(), ["signature"] = "0x00" }));
        Assert.Equal(("signature", "required"), await Post(new JsonObject { ["items"] = new JsonArray(), ["timestamp"] = 1 }));
        Assert.Equal(("items", "Batch must contain at least one item"), await Signed(new JsonObject { ["items"] = new JsonArray() }));
        Assert.Equal(("items", "Batch exceeds maximum item count 2"),
            await Signed(new JsonObject { ["items"] = new JsonArray(a.DeepClone(), a.DeepClone(), b.DeepClone()) }, badSignature: true));
        Assert.Equal(("items", "Duplicate item identity"),
            await Signed(new JsonObject { ["items"] = new JsonArray(a.DeepClone(), a.DeepClone()) }, badSignature: true));
        Assert.Equal(("signature", "Invalid signature"), await Signed(new JsonObject { ["items"] = new JsonArray(a.DeepClone()) }, badSignature: true));
        var typed = a.DeepClone().AsObject();
        typed["min_vram"] = "24";
        Assert.Equal(("items.min_vram", "json: cannot unmarshal string into Go struct field inference_tasks.BatchCreateTaskInput.items.min_vram of type uint64"),
            await Signed(new JsonObject { ["items"] = new JsonArray(typed) }));
        var fee = a.DeepClone().AsObject();
        fee["task_fee"] = "lots";
        Assert.Equal(("", "math/big: cannot unmarshal \"lots\" into a *big.Int"), await Signed(new JsonObject { ["items"] = new JsonArray(fee) }));
        Assert.Equal(before, State(devnet));

        // A timestamp outside the ±60 s window does not verify either.
        var stale = devnet.Time.GetUtcNow().ToUnixTimeSeconds() - 61;
        var (_, sig) = devnet.Creator.Sign(new JsonObject { ["items"] = new JsonArray(a.DeepClone()) }, stale);
        Assert.Equal(("signature", "Invalid signature"), await Post(new JsonObject { ["items"] = new JsonArray(a.DeepClone()), ["timestamp"] = stale, ["signature"] = sig }));
        Assert.Equal(before, State(devnet));
    }

    [Fact]
    public async Task Batch_status_reports_own_tasks_with_an_immutable_execution_gpu_and_hides_others()
    {
        await using var devnet = await Protocol2026.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        var started = await devnet.CreateAsync(TaskSpec.Llm());
        var task = await devnet.WaitAsync(started.Commitment, RelayTaskStatus.Started);
        var queued = await devnet.CreateAsync(TaskSpec.Sd() with { MinVram = 1000 });
        var other = devnet.ClientFor(EthKey.Generate());
        devnet.Control.Fund(other.Address, TestDevnet.InitialFunds);
        var theirs = await devnet.CreateAsync(TaskSpec.Sd() with { MinVram = 1000 }, other);
        var unknown = "0x" + new string('7', 64);
        var ledger = devnet.Control.GetLedger().Count;

        Assert.True(devnet.Control.SetNodeGpu(task.SelectedNode, "2x NVIDIA GeForce RTX 4090 TP+Linux", 48));
        var reply = await devnet.Creator.BatchStatusAsync(started.Commitment, queued.Commitment, theirs.Commitment, unknown);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var rows = reply.Data!.AsArray();
        var first = rows[0]!.AsObject();
        Assert.Equal((true, 1, task.Sequence, task.SamplingSeed), (first["found"]!.GetValue<bool>(), first["status"]!.GetValue<int>(),
            first["sequence"]!.GetValue<ulong>(), first["sampling_seed"]!.GetValue<string>()));
        Assert.Equal(("NVIDIA GeForce RTX 4090+Linux", 24UL), (first["execution_gpu"]!.GetValue<string>(), first["execution_gpu_vram"]!.GetValue<ulong>()));
        var eta = DateTimeOffset.Parse(first["estimated_completion_time"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.True(eta > task.StartTime && eta < task.StartTime!.Value.AddSeconds(task.Timeout), $"{eta} vs start {task.StartTime} timeout {task.Timeout}");
        Assert.False(first["result_available"]!.GetValue<bool>());
        var (ts, sig) = devnet.Creator.Sign(new JsonObject { ["task_id_commitment"] = started.Commitment });
        var selected = await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{started.Commitment}/selected_node?timestamp={ts}&signature={sig}");
        Assert.Equal("2x NVIDIA GeForce RTX 4090 TP+Linux", selected.Body!["Data"]!["gpu_name"]!.GetValue<string>());

        var second = rows[1]!.AsObject();
        Assert.Equal((true, 0), (second["found"]!.GetValue<bool>(), second["status"]!.GetValue<int>()));
        Assert.False(second.ContainsKey("execution_gpu") || second.ContainsKey("estimated_completion_time"));
        foreach (var hidden in new[] { rows[2]!.AsObject(), rows[3]!.AsObject() })
        {
            Assert.Equal(["task_id_commitment", "found", "status", "abort_reason", "task_error", "result_available"], hidden.Select(p => p.Key));
            Assert.False(hidden["found"]!.GetValue<bool>());
        }
        Assert.Equal(unknown, rows[3]!["task_id_commitment"]!.GetValue<string>());
        Assert.Equal(ledger, devnet.Control.GetLedger().Count);

        Assert.Equal(("task_id_commitments", "Duplicate item identity"), (await devnet.Creator.BatchStatusAsync(unknown, unknown)).Validation);
        Assert.Equal(("task_id_commitments", "required"),
            (await devnet.Creator.PostJsonAsync("v1/inference_tasks/batch/status", new JsonObject { ["timestamp"] = 1, ["signature"] = "0x00" })).Validation);
        await using var small = await Protocol2026.StartAsync(o => o.BatchStatusMaxItems = 1);
        Assert.Equal(("task_id_commitments", "Batch exceeds maximum item count 1"), (await small.Creator.BatchStatusAsync(unknown, started.Commitment)).Validation);
    }

    [Fact]
    public async Task Batch_validate_validates_units_reports_already_applied_and_item_errors()
    {
        // Tasks hold their node until validated: two singles and a group of three need five nodes.
        await using var devnet = await Protocol2026.StartAsync(o =>
        {
            o.Nodes.Clear();
            for (var i = 0; i < 5; i++)
            {
                o.Nodes.Add(new NodeOptions());
            }
        });
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var single = await devnet.CreateAsync(TaskSpec.Sd());
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        var wrongId = await devnet.CreateAsync(TaskSpec.Llm());
        var readySingle = await devnet.WaitAsync(single.Commitment, RelayTaskStatus.ScoreReady);
        var readyWrong = await devnet.WaitAsync(wrongId.Commitment, RelayTaskStatus.ScoreReady);
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: true));
        var group = new List<TaskSpec> { await devnet.CreateAsync(TaskSpec.Sd()) };
        group.Add(await devnet.CreateAsync(group[0].Sibling()));
        group.Add(await devnet.CreateAsync(group[0].Sibling()));
        foreach (var member in group)
        {
            await devnet.WaitAsync(member.Commitment, RelayTaskStatus.ScoreReady);
        }
        var other = devnet.ClientFor(EthKey.Generate());
        devnet.Control.Fund(other.Address, TestDevnet.InitialFunds);
        var theirs = await devnet.CreateAsync(TaskSpec.Sd() with { MinVram = 1000 }, other);
        var groupSeed = TestDevnet.SeedOf(devnet.Control.GetTask(group[0].Commitment)!);

        var c = devnet.Creator;
        var reply = await c.BatchValidateAsync(
            c.Unit([single.Commitment], single.TaskId, TestDevnet.SeedOf(readySingle)),
            c.Unit([.. group.Select(g => g.Commitment)], group[0].TaskId, groupSeed),
            c.Unit([wrongId.Commitment], single.TaskId, TestDevnet.SeedOf(readyWrong)),
            c.Unit([theirs.Commitment], theirs.TaskId, groupSeed),
            c.Unit(["0x" + new string('9', 64)], single.TaskId, groupSeed),
            c.Unit([group[0].Commitment, group[1].Commitment], group[0].TaskId, groupSeed));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(
        [
            ("validated", null), ("validated", null), ("permanent_error", "task id incorrect"), ("permanent_error", "task not found"),
            ("permanent_error", "task not found"), ("permanent_error", "task_id_commitments length must be 1 or 3"),
        ], reply.Outcomes());
        Assert.Contains(devnet.Control.GetTask(single.Commitment)!.Status, new[] { RelayTaskStatus.Validated, RelayTaskStatus.EndSuccess });
        Assert.All(group.Skip(1), g => Assert.Equal(RelayTaskStatus.EndGroupRefund, devnet.Control.GetTask(g.Commitment)!.Status));
        Assert.Equal(RelayTaskStatus.ScoreReady, devnet.Control.GetTask(wrongId.Commitment)!.Status);
        Assert.Equal(RelayTaskStatus.Queued, devnet.Control.GetTask(theirs.Commitment)!.Status);
        // Settlement runs after validation on the devnet's own loop: snapshot only once both units have settled.
        await devnet.WaitAsync(single.Commitment, RelayTaskStatus.EndSuccess);
        await devnet.WaitAsync(group[0].Commitment, RelayTaskStatus.EndGroupSuccess);
        var ledger = devnet.Control.GetLedger().Count;
        var events = devnet.Control.GetEvents().Count;

        var repeat = await c.BatchValidateAsync(
            c.Unit([single.Commitment], single.TaskId, TestDevnet.SeedOf(readySingle)),
            c.Unit([group[2].Commitment, group[0].Commitment, group[1].Commitment], group[0].TaskId, groupSeed));
        Assert.Equal([("already_applied", null), ("already_applied", null)], repeat.Outcomes());
        Assert.Equal((ledger, events), (devnet.Control.GetLedger().Count, devnet.Control.GetEvents().Count));

        var dupInUnit = await c.BatchValidateAsync(c.Unit([single.Commitment, single.Commitment, group[0].Commitment], single.TaskId, groupSeed));
        Assert.Equal(("items", "Duplicate item identity"), dupInUnit.Validation);
        var sameSet = await c.BatchValidateAsync(
            c.Unit([.. group.Select(g => g.Commitment)], group[0].TaskId, groupSeed),
            c.Unit([group[1].Commitment, group[2].Commitment, group[0].Commitment], group[0].TaskId, groupSeed));
        Assert.Equal(("items", "Duplicate item identity"), sameSet.Validation);
    }

    [Fact]
    public async Task Batch_abort_cancels_queued_tasks_with_a_refund_and_reports_every_other_case()
    {
        await using var devnet = await Protocol2026.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        var queued = await devnet.CreateAsync(TaskSpec.Sd() with { MinVram = 1000 });
        var running = await devnet.CreateAsync(TaskSpec.Sd());
        await devnet.WaitAsync(running.Commitment, RelayTaskStatus.Started);
        var other = devnet.ClientFor(EthKey.Generate());
        devnet.Control.Fund(other.Address, TestDevnet.InitialFunds);
        var theirs = await devnet.CreateAsync(TaskSpec.Sd() with { MinVram = 1000 }, other);

        var reply = await devnet.Creator.BatchAbortAsync((queued.Commitment, 7), (running.Commitment, 7), (theirs.Commitment, 7),
            ("0x" + new string('3', 64), 7), (running.Commitment + "00", 3));
        Assert.Equal(
        [
            ("cancelled", null), ("not_cancellable", null), ("not_found", null), ("not_found", null), ("permanent_error", "abort reason not allowed"),
        ], reply.Outcomes());
        var task = devnet.Control.GetTask(queued.Commitment)!;
        Assert.Equal((RelayTaskStatus.EndAborted, TaskAbortReason.CreatorCancelled), (task.Status, task.AbortReason));
        Assert.Equal(TestDevnet.InitialFunds - running.TaskFee, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Equal(RelayTaskStatus.Queued, devnet.Control.GetTask(theirs.Commitment)!.Status);
        var aborted = devnet.Control.GetEvents().Single(e => e.Type == "TaskEndAborted");
        Assert.Contains(devnet.Creator.Address, aborted.Args, StringComparison.Ordinal);

        Assert.Equal(("already_cancelled", null), (await devnet.Creator.BatchAbortAsync((queued.Commitment, 7))).Outcomes().Single());
        Assert.Equal(("permanent_error", "abort reason not allowed"), (await devnet.Creator.BatchAbortAsync((queued.Commitment, 0))).Outcomes().Single());
        Assert.Equal(("items", "Duplicate item identity"), (await devnet.Creator.BatchAbortAsync((queued.Commitment, 7), (queued.Commitment, 3))).Validation);
        Assert.Single(devnet.Control.GetEvents(), e => e.Type == "TaskEndAborted");
    }
}
