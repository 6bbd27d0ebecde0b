using System.Net;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>Node selection of docs/protocol.md §4.6: hard filters, base-model gate, matching interval.</summary>
public class MatchingTests
{
    private static Task<TestDevnet> StartWithNodeAsync(NodeOptions node) => TestDevnet.StartAsync(o =>
    {
        o.QueueTimeout = TimeSpan.FromSeconds(1000);
        o.Nodes.Clear();
        o.Nodes.Add(node);
        o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true };
    });

    private static async Task<RelayTaskStatus> StatusAfterCreateAsync(TestDevnet devnet, TaskSpec spec)
    {
        await devnet.CreateAsync(spec);
        devnet.Control.RunDueTimers();
        return devnet.Control.GetTask(spec.Commitment)!.Status;
    }

    [Fact]
    public async Task Version_must_share_the_major_and_not_exceed_the_node()
    {
        await using var devnet = await StartWithNodeAsync(new NodeOptions { Version = "3.1.0" });
        Assert.Equal(RelayTaskStatus.Queued, await StatusAfterCreateAsync(devnet, TaskSpec.Sd() with { TaskVersion = "2.5.0" }));
        Assert.Equal(RelayTaskStatus.Queued, await StatusAfterCreateAsync(devnet, TaskSpec.Sd() with { TaskVersion = "3.2.0" }));
        Assert.Equal(RelayTaskStatus.Started, await StatusAfterCreateAsync(devnet, TaskSpec.Sd() with { TaskVersion = "3.0.9" }));
    }

    [Fact]
    public async Task Vram_and_required_gpu_filter_nodes()
    {
        await using var devnet = await StartWithNodeAsync(new NodeOptions { GpuName = "NVIDIA GeForce RTX 4090+Linux", GpuVram = 24 });
        Assert.Equal(RelayTaskStatus.Queued, await StatusAfterCreateAsync(devnet, TaskSpec.Sd() with { MinVram = 25 }));
        Assert.Equal(RelayTaskStatus.Queued, await StatusAfterCreateAsync(devnet,
            TaskSpec.Sd() with { RequiredGpu = "NVIDIA GeForce RTX 4090+Linux", RequiredGpuVram = 16 }));
        Assert.Equal(RelayTaskStatus.Started, await StatusAfterCreateAsync(devnet,
            TaskSpec.Sd() with { RequiredGpu = "NVIDIA  GeForce RTX 4090+Linux", RequiredGpuVram = 24 }));
    }

    [Fact]
    public async Task Llm_tasks_skip_darwin_nodes()
    {
        await using var devnet = await StartWithNodeAsync(new NodeOptions { GpuName = "Apple M2 Max+Darwin", GpuVram = 32 });
        Assert.Equal(RelayTaskStatus.Queued, await StatusAfterCreateAsync(devnet, TaskSpec.Llm()));
        Assert.Equal(RelayTaskStatus.Started, await StatusAfterCreateAsync(devnet, TaskSpec.Sd()));
    }

    [Fact]
    public async Task Base_model_must_be_on_disk()
    {
        var bare = new NodeOptions();
        bare.Models.Clear();
        await using var devnet = await StartWithNodeAsync(bare);
        Assert.Equal(RelayTaskStatus.Queued, await StatusAfterCreateAsync(devnet, TaskSpec.Sd()));
        var node = devnet.Control.GetNodes()[0];
        Assert.Empty(node.ModelIds);
    }

    [Fact]
    public async Task A_busy_node_takes_the_next_task_when_it_frees_up()
    {
        await using var devnet = await StartWithNodeAsync(new NodeOptions());
        var first = await devnet.CreateAsync(TaskSpec.Sd());
        var second = await devnet.CreateAsync(TaskSpec.Sd());
        await devnet.WaitAsync(first.Commitment, RelayTaskStatus.Started);
        Assert.Equal(RelayTaskStatus.Queued, devnet.Control.GetTask(second.Commitment)!.Status);
        devnet.Time.Advance(TimeSpan.FromSeconds(101));
        devnet.Control.RunDueTimers();
        await devnet.WaitAsync(second.Commitment, RelayTaskStatus.Started);
    }

    [Fact]
    public async Task With_a_matching_interval_tasks_wait_for_the_next_round()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.MatchingInterval = TimeSpan.FromSeconds(2));
        var spec = await devnet.CreateAsync(TaskSpec.Sd());
        Assert.Equal(RelayTaskStatus.Queued, devnet.Control.GetTask(spec.Commitment)!.Status);
        devnet.Time.Advance(TimeSpan.FromSeconds(2));
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
    }

    [Fact]
    public async Task Create_accepts_multipart_and_json_bodies()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.Nodes.Clear());
        var spec = TaskSpec.Sd();
        var signed = new JsonObject
        {
            ["task_id_commitment"] = spec.Commitment,
            ["task_args"] = spec.TaskArgs,
            ["task_type"] = 0,
            ["nonce"] = spec.Nonce,
            ["task_model_ids"] = new JsonArray(spec.ModelIds[0]),
            ["min_vram"] = 8,
            ["required_gpu"] = "",
            ["required_gpu_vram"] = 0,
            ["task_version"] = spec.TaskVersion,
            ["task_size"] = 2,
            ["task_fee"] = spec.TaskFee.ToString(),
        };
        var (ts, sig) = devnet.Creator.Sign(signed);
        using var multipart = new MultipartFormDataContent();
        foreach (var (key, value) in signed)
        {
            if (key is not "task_id_commitment" and not "task_model_ids")
            {
                multipart.Add(new StringContent(value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : value!.ToJsonString()), key);
            }
        }
        multipart.Add(new StringContent(spec.ModelIds[0]), "task_model_ids");
        multipart.Add(new StringContent(ts), "timestamp");
        multipart.Add(new StringContent(sig), "signature");
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.SendAsync(HttpMethod.Post, $"v1/inference_tasks/{spec.Commitment}", multipart)).Status);

        var other = TaskSpec.Sd();
        signed["task_id_commitment"] = other.Commitment;
        signed["nonce"] = other.Nonce;
        (ts, sig) = devnet.Creator.Sign(signed);
        var body = signed.DeepClone().AsObject();
        body["timestamp"] = long.Parse(ts);
        body["signature"] = sig;
        var json = await devnet.Creator.PostJsonAsync($"v1/inference_tasks/{other.Commitment}", body);
        Assert.Equal(HttpStatusCode.OK, json.Status);
        Assert.Equal(TestDevnet.InitialFunds - (2 * spec.TaskFee), devnet.Control.GetBalance(devnet.Creator.Address));
    }

    [Fact]
    public async Task A_node_joining_at_run_time_picks_up_waiting_tasks()
    {
        await using var devnet = await TestDevnet.StartAsync(o => o.Nodes.Clear());
        var spec = await devnet.CreateAsync(TaskSpec.Llm());
        Assert.Equal(RelayTaskStatus.Queued, devnet.Control.GetTask(spec.Commitment)!.Status);
        var joined = await devnet.Creator.PostJsonAsync("devnet/nodes", new JsonObject { ["gpu_vram"] = 48, ["models"] = new JsonArray("base:qwen/qwen2.5-7b") });
        var address = joined.Body!["address"]!.GetValue<string>();
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        Assert.Equal(address, task.SelectedNode);
        var info = await devnet.Creator.SendAsync(HttpMethod.Get, $"v1/node/{address}");
        Assert.Equal(48, info.Data!["gpu_vram"]!.GetValue<int>());
        Assert.Equal(["base:qwen/qwen2.5-7b"], info.Data!["in_use_model_ids"]!.AsArray().Select(m => m!.GetValue<string>()));
    }
}
