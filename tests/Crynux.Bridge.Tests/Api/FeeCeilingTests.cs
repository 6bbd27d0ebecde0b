using System.Net;
using Crynux.Bridge.Api;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Pricing;
using Crynux.Bridge.Tests.Support;
using static Crynux.Bridge.Tests.Support.TestTasks;

namespace Crynux.Bridge.Tests.Api;

/// <summary>Issue item 1: no key can make the wallet pay what it likes (task.max_fee_cnx, task.max_repeat_num).</summary>
public sealed class FeeCeilingTests
{
    private static Dictionary<string, object> LlmWith(object extra)
    {
        var body = new Dictionary<string, object>
        {
            ["task_type"] = 1,
            ["task_args"] = """{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}],"generation_config":{"max_new_tokens":20}}""",
        };
        foreach (var property in extra.GetType().GetProperties())
        {
            body[property.Name] = property.GetValue(extra)!;
        }
        return body;
    }

    [Fact]
    public async Task A_chat_key_asking_for_a_1000_cnx_fee_gets_400_naming_task_fee_and_the_ceiling_and_nothing_is_admitted()
    {
        await using var bridge = await TestBridge.StartAsync();
        var chatOnly = await bridge.CreateKeyAsync("0x" + new string('2', 40), "chat", useLimit: 5, rateLimit: 0);
        var before = await SafetyChecks.SnapshotAsync(bridge);
        var (status, body, _) = await SafetyChecks.PostTextAsync(bridge, "v1/inference_tasks",
            """{"task_type":1,"task_args":{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"hi"}]},"task_fee":1e12}""", chatOnly);
        Assert.Equal(400, status);
        Assert.Equal("task_fee", SafetyChecks.AssertEnvelope("/v1/inference_tasks", body, status));
        Assert.Contains("1000 CNX", body, StringComparison.Ordinal);
        Assert.Contains("ceiling of 10 CNX", body, StringComparison.Ordinal);
        Assert.Contains("task.max_fee_cnx.llm", body, StringComparison.Ordinal);
        Assert.Equal(before, await SafetyChecks.SnapshotAsync(bridge));
        Assert.Equal(0, bridge.CountLedger("TaskPayment"));
    }

    [Fact]
    public async Task A_fee_at_the_ceiling_runs_and_one_gwei_above_is_refused()
    {
        await using var bridge = await TestBridge.StartAsync();
        using (var over = await bridge.PostAsync("v1/inference_tasks", LlmWith(new { task_fee = 10_000_000_001L })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        }
        var task = await bridge.RunRawAsync(LlmWith(new { task_fee = 10_000_000_000L }));
        Assert.Equal(ClientTaskStatus.Success, task.Status);
        var member = (await bridge.Service<TaskStore>().GetMembersAsync(task.Id, TestContext.Current.CancellationToken))[0];
        Assert.Equal((10 * TestBridge.Cnx).ToString(System.Globalization.CultureInfo.InvariantCulture), member.TaskFee);
        // The default fee (5 CNX) is within the default ceiling, and the OpenAI routes keep working with it.
        Assert.Equal(ClientTaskStatus.Success, (await bridge.RunRawAsync(LlmTask())).Status);
        Assert.Equal(ClientTaskStatus.Success, (await bridge.RunRawAsync(SdTask(2))).Status);
    }

    [Fact]
    public async Task A_default_fee_times_the_task_size_above_the_ceiling_is_refused_on_the_raw_and_the_image_routes()
    {
        // SDXL's default is 2 CNX per image: with a 5 CNX ceiling, 2 images run and 3 do not.
        await using var bridge = await TestBridge.StartAsync(configure: o => o.Task.MaxFeeCnx.Sd = 5m);
        var before = await SafetyChecks.SnapshotAsync(bridge);
        using (var raw = await bridge.PostAsync("v1/inference_tasks", SdTask(3)))
        {
            var body = await raw.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
            Assert.Equal("task_args", SafetyChecks.AssertEnvelope("/v1/inference_tasks", body, 400));
            Assert.Contains("6 CNX", body, StringComparison.Ordinal);
            Assert.Contains("task.max_fee_cnx.sd", body, StringComparison.Ordinal);
        }
        using (var image = await bridge.PostAsync("v1/images/generations", new { prompt = "a fox", n = 3, size = "256x256" }))
        {
            var body = await image.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, image.StatusCode);
            Assert.Equal("n", SafetyChecks.AssertEnvelope("/v1/images/generations", body, 400));
        }
        Assert.Equal(before, await SafetyChecks.SnapshotAsync(bridge));
        Assert.Equal(ClientTaskStatus.Success, (await bridge.RunRawAsync(SdTask(2))).Status);
    }

    [Fact]
    public async Task Repeat_num_above_one_needs_the_admin_role()
    {
        await using var bridge = await TestBridge.StartAsync();
        var before = await SafetyChecks.SnapshotAsync(bridge);
        using (var refused = await bridge.PostAsync("v1/inference_tasks", LlmWith(new { repeat_num = 2 })))
        {
            var body = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("repeat_num", SafetyChecks.AssertEnvelope("/v1/inference_tasks", body, 400));
            Assert.Contains("task.max_repeat_num", body, StringComparison.Ordinal);
        }
        Assert.Equal(before, await SafetyChecks.SnapshotAsync(bridge));

        var admin = await bridge.CreateKeyAsync("0x" + new string('3', 40), "admin", useLimit: 0, rateLimit: 0);
        using var admitted = await bridge.PostAsync("v1/inference_tasks", LlmWith(new { repeat_num = 2 }), admin);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        var id = (await TestBridge.JsonAsync(admitted)).GetProperty("data").GetProperty("id").GetInt64();
        Assert.Equal(2, (await bridge.Service<TaskStore>().GetMembersAsync(id, TestContext.Current.CancellationToken)).Count);
        using var tooMany = await bridge.PostAsync("v1/inference_tasks", LlmWith(new { repeat_num = 11 }), admin);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public void The_default_ceilings_cover_every_default_fee_at_the_largest_size_the_bridge_sends()
    {
        var task = new TaskOptions();
        var policy = new FeePolicy(task);
        Assert.True(policy.CeilingWei(TaskType.StableDiffusion) >= Fees.CnxToWei(task.DefaultSdXlTaskFeeCnx) * 10);
        Assert.True(policy.CeilingWei(TaskType.StableDiffusion) >= Fees.CnxToWei(task.DefaultSdTaskFeeCnx) * 10);
        Assert.True(policy.CeilingWei(TaskType.Llm) >= Fees.CnxToWei(task.DefaultLlmTaskFeeCnx));
        Assert.True(policy.CeilingWei(TaskType.StableDiffusionFinetune) >= Fees.CnxToWei(task.DefaultSdFinetuneTaskFeeCnx));
        Assert.Equal(1, task.MaxRepeatNum);
    }

    [Theory]
    [InlineData("task.default_llm_task_fee_cnx")]
    [InlineData("task.repeat_num")]
    [InlineData("task.max_fee_cnx.sd")]
    public void A_configuration_whose_defaults_break_its_own_ceilings_is_refused_naming_the_key(string key)
    {
        var options = new BridgeOptions();
        switch (key)
        {
            case "task.default_llm_task_fee_cnx":
                options.Task.DefaultLlmTaskFeeCnx = 11m;
                break;
            case "task.repeat_num":
                options.Task.RepeatNum = 2;
                break;
            default:
                options.Task.MaxFeeCnx.Sd = 0m;
                break;
        }
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Validate(options));
        Assert.Equal(key, e.Key);
    }
}
