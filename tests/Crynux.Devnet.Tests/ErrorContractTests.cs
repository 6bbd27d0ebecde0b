using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>Envelopes, status codes, field names and error strings of docs/protocol.md §1.3 and §3.</summary>
public class ErrorContractTests
{
    [Fact]
    public async Task Unknown_task_is_a_400_validation_error()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var reply = await devnet.Creator.GetTaskAsync("0x" + new string('a', 64));
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("validation_error", reply.Message);
        Assert.Equal(("task_id_commitment", "Task not found"), reply.Validation);
    }

    [Fact]
    public async Task Validate_with_unknown_commitment_is_a_500_record_not_found()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var reply = await devnet.Creator.ValidateAsync(["0x" + new string('b', 64)], "0x" + new string('1', 64), new byte[32]);
        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal("record not found", reply.Message);
        var two = await devnet.Creator.ValidateAsync(["0x01", "0x02"], "0x" + new string('1', 64), new byte[32]);
        Assert.Equal(("task_id_commitments", "TaskIDCommitments length incorrect"), two.Validation);
    }

    [Fact]
    public async Task Missing_fields_get_the_validator_required_message_with_the_relay_field_names()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var c = "0x" + new string('c', 64);
        Assert.Equal(("timestamp", "required"), (await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{c}")).Validation);
        Assert.Equal(("Timestamp", "required"), (await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{c}/results/0")).Validation);
        Assert.Equal(("signature", "required"), (await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{c}?timestamp=5")).Validation);
        var noModels = new FormUrlEncodedContent([new("task_args", "{}"), new("nonce", "0x01"), new("task_version", "3.1.0")]);
        Assert.Equal(("task_model_ids", "required"), (await devnet.Creator.SendAsync(HttpMethod.Post, $"v1/inference_tasks/{c}", noModels)).Validation);
        var badTimestamp = await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{c}?timestamp=abc&signature=0x00");
        Assert.Equal(("", "strconv.ParseInt: parsing \"abc\": invalid syntax"), badTimestamp.Validation);
    }

    [Fact]
    public async Task Static_route_segments_beat_parameters()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.Nodes.Clear());
        var validate = await devnet.Creator.PostJsonAsync("v1/inference_tasks/validate", new JsonObject());
        Assert.Equal(("task_id_commitments", "required"), validate.Validation);
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        var (ts, sig) = devnet.Creator.Sign(new JsonObject { ["task_id_commitment"] = spec.Commitment });
        var checkpoint = await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{spec.Commitment}/results/checkpoint?timestamp={ts}&signature={sig}");
        Assert.Equal(("task_id", "Task checkpoint not uploaded"), checkpoint.Validation);
    }

    [Fact]
    public async Task Insufficient_balance_rejects_and_persists_nothing()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var spec = TaskSpec.Sd() with { TaskFee = TestDevnet.InitialFunds + 1 };
        var reply = await devnet.Creator.CreateAsync(spec);
        Assert.Equal(("task_fee", "Insufficient relay account balance"), reply.Validation);
        Assert.Equal(("task_id_commitment", "Task not found"), (await devnet.Creator.GetTaskAsync(spec.Commitment)).Validation);
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
        Assert.Single(devnet.Control.GetLedger(devnet.Creator.Address));
    }

    [Fact]
    public async Task Task_args_are_schema_checked_and_invalid_json_is_a_500()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var noPrompt = TaskSpec.Sd() with { TaskArgs = """{"base_model":"x","task_config":{}}""" };
        var (field, message) = (await devnet.Creator.CreateAsync(noPrompt)).Validation;
        Assert.Equal("task_args", field);
        Assert.StartsWith("jsonschema: '' does not validate with ", message);
        Assert.Contains("missing properties: 'prompt'", message);

        var tooMany = TaskSpec.Sd() with { TaskArgs = """{"base_model":"x","prompt":"p","task_config":{"num_images":11}}""" };
        Assert.Contains("'/task_config/num_images'", (await devnet.Creator.CreateAsync(tooMany)).Validation.Message);
        var badRole = TaskSpec.Llm() with { TaskArgs = """{"model":"m","messages":[{"role":"unknown role","content":"x"}]}""" };
        Assert.Equal("task_args", (await devnet.Creator.CreateAsync(badRole)).Validation.Field);

        var broken = await devnet.Creator.CreateAsync(TaskSpec.Sd() with { TaskArgs = "xyz" });
        Assert.Equal((HttpStatusCode.InternalServerError, "invalid character 'x' looking for beginning of value"), (broken.Status, broken.Message));
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
    }

    [Fact]
    public async Task Created_task_args_and_model_ids_are_normalized()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.Nodes.Clear());
        var spec = TaskSpec.Llm("a<b & c>d 你好") with { ModelIds = ["base:Qwen/Qwen2.5-7B"] };
        var created = await devnet.Creator.CreateAsync(spec);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(0, created.Data!["status"]!.GetValue<int>());
        Assert.Equal(0UL, created.Data!["timeout"]!.GetValue<ulong>());
        var data = (await devnet.Creator.GetTaskAsync(spec.Commitment)).Data!;
        Assert.Equal("""{"dtype":"bfloat16","generation_config":{"max_new_tokens":100,"num_return_sequences":1},"messages":[{"content":"a\u003cb \u0026 c\u003ed 你好","role":"user"}],"model":"qwen/qwen2.5-7b","seed":0}""",
            data["task_args"]!.GetValue<string>());
        Assert.Equal("base:qwen/qwen2.5-7b", data["model_ids"]![0]!.GetValue<string>());
        Assert.Equal(devnet.Creator.Address, data["creator"]!.GetValue<string>());
        Assert.Equal(spec.TaskFee.ToString(), data["task_fee"]!.GetValue<string>());
        Assert.Equal(1UL, data["sequence"]!.GetValue<ulong>());
        Assert.Equal(66, data["sampling_seed"]!.GetValue<string>().Length);
        Assert.Null(data["start_time"]);

        Assert.Equal(("task_id_commitment", "Task already uploaded"), (await devnet.Creator.CreateAsync(spec)).Validation);
        Assert.Equal(("task_version", "Invalid task version"), (await devnet.Creator.CreateAsync(TaskSpec.Llm() with { TaskVersion = "3.1" })).Validation);
    }

    [Fact]
    public async Task Public_endpoints_answer_like_the_relay()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.Nodes.Clear());
        var now = await devnet.Creator.SendAsync(HttpMethod.Get, "v1/now");
        Assert.Equal(devnet.Time.GetUtcNow().ToUnixTimeSeconds(), now.Data!["now"]!.GetValue<long>());
        var unknown = await devnet.Creator.SendAsync(HttpMethod.Get, "v1/node/0x1234");
        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        Assert.Equal("""{"address":"0x1234","status":0,"gpu_name":"","gpu_vram":0,"qos_score":0,"version":"","in_use_model_ids":[],"model_ids":[]}""",
            unknown.Data!.ToJsonString());
        await devnet.CreateAsync(TaskSpec.Sd());
        Assert.Equal(1, (await devnet.Creator.SendAsync(HttpMethod.Get, "v1/stats/queue/count")).Data!.GetValue<long>());
        var numbers = (await devnet.Creator.SendAsync(HttpMethod.Get, "v1/network/nodes/number")).Data!;
        Assert.Equal(0, numbers["all_nodes"]!.GetValue<int>());
    }

    [Fact]
    public async Task V2_balance_needs_a_strict_signature_and_the_exact_checksummed_address()
    {
        await using var devnet = await TestDevnet.StartAsync();
        var ok = await devnet.Creator.BalanceAsync(devnet.Creator.Address);
        Assert.Equal(TestDevnet.InitialFunds, BigInteger.Parse(ok.Data!.GetValue<string>()));
        var lower = await devnet.Creator.BalanceAsync(devnet.Creator.Address.ToLowerInvariant());
        Assert.Equal(("address", "Address mismatch"), lower.Validation);
        var noPrefix = await devnet.Creator.BalanceAsync(devnet.Creator.Address, sig => "00" + sig[2..]);
        Assert.Equal((HttpStatusCode.Unauthorized, "Valid JWT or signature required"), (noPrefix.Status, noPrefix.Message));
        var unsigned = await devnet.Creator.SendAsync(HttpMethod.Get, $"v2/relay_account/{devnet.Creator.Address}/balance");
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.Status);
    }

    [Fact]
    public async Task Node_side_calls_from_anyone_but_the_selected_node_are_refused()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.Started);
        var (ts, sig) = devnet.Creator.Sign(new JsonObject { ["score"] = "0x00", ["task_id_commitment"] = spec.Commitment });
        var reply = await devnet.Creator.PostJsonAsync($"v1/inference_tasks/{spec.Commitment}/score",
            new JsonObject { ["score"] = "0x00", ["timestamp"] = long.Parse(ts), ["signature"] = sig });
        Assert.Equal(("signature", "Signer not allowed"), reply.Validation);
        Assert.Equal(RelayTaskStatus.Started, devnet.Control.GetTask(spec.Commitment)!.Status);
    }
}
