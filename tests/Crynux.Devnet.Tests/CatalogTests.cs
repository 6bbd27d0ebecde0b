using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>/v2/loaded-models, /v2/models/{sd,llm}/execution-time and /v2/tasks/queued/priority (2026).</summary>
public class CatalogTests
{
    [Fact]
    public async Task Loaded_models_appear_after_a_success_with_the_smallest_vram_and_node_counts()
    {
        await using var devnet = await Protocol2026.StartAsync(o =>
        {
            o.Nodes.Clear();
            o.Nodes.Add(new NodeOptions { GpuCount = 2, Models = ["base:Qwen/Qwen2.5-7B", "base:crynux-network/sdxl-turbo"] });
            o.Nodes.Add(new NodeOptions { Models = ["base:crynux-network/sdxl-turbo"] });
        });
        Assert.Empty((await devnet.Creator.SendAsync(HttpMethod.Get, "v2/loaded-models")).Data!.AsArray());

        await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Llm() with { MinVram = 48 });
        await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Sd() with { ModelIds = ["base:Crynux-Network/SDXL-Turbo+fp16"], MinVram = 40 });
        await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Sd() with { RequiredGpu = "NVIDIA GeForce RTX 4090+Linux", RequiredGpuVram = 24 });

        var rows = (await devnet.Creator.SendAsync(HttpMethod.Get, "v2/loaded-models")).Data!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal(new JsonObject
        {
            ["model_id"] = "crynux-network/sdxl-turbo",
            ["model_type"] = "sd",
            ["min_vram"] = 24,
            ["in_memory_node_count"] = 2,
            ["on_disk_node_count"] = 2,
        }.ToJsonString(), rows[0]!.ToJsonString());
        Assert.Equal(new JsonObject
        {
            ["model_id"] = "qwen/qwen2.5-7b",
            ["model_type"] = "llm",
            ["min_vram"] = 48,
            ["in_memory_node_count"] = 0,
            ["on_disk_node_count"] = 1,
        }.ToJsonString(), rows[1]!.ToJsonString());
    }

    [Theory]
    [InlineData("", "model", "required")]
    [InlineData("?model=%20&min_vram=8", "model", "required")]
    [InlineData("?model=m&quantize_bits=-1&min_vram=8", "quantize_bits", "must be unsigned")]
    [InlineData("?model=m&min_vram=8&gpu_name=x", "min_vram", "must not be combined with gpu_name or gpu_vram")]
    [InlineData("?model=m&min_vram=8&gpu_vram=8", "min_vram", "must not be combined with gpu_name or gpu_vram")]
    [InlineData("?model=m&min_vram=0", "min_vram", "must be a positive integer")]
    [InlineData("?model=m&gpu_name=NVIDIA%20A100", "gpu_vram", "gpu_name and gpu_vram must be provided together")]
    [InlineData("?model=m&gpu_vram=80", "gpu_name", "gpu_name and gpu_vram must be provided together")]
    [InlineData("?model=m", "min_vram", "required")]
    [InlineData("?model=m&gpu_name=%20%20", "min_vram", "required")]
    [InlineData("?model=m&gpu_name=x&gpu_vram=0", "gpu_vram", "must be a positive integer")]
    [InlineData("?model=m&min_vram=big", "", "strconv.ParseInt: parsing \"big\": invalid syntax")]
    public async Task Execution_time_query_errors_come_in_the_relays_order(string query, string field, string message)
    {
        await using var devnet = await Protocol2026.StartAsync();
        foreach (var kind in new[] { "sd", "llm" })
        {
            var reply = await devnet.Creator.SendAsync(HttpMethod.Get, $"v2/models/{kind}/execution-time{query}");
            Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
            Assert.Equal((field, message), reply.Validation);
        }
    }

    [Fact]
    public async Task Execution_time_coefficients_are_the_ones_the_devnet_prices_and_times_tasks_with()
    {
        await using var devnet = await Protocol2026.StartAsync();
        var sd = (await devnet.Creator.SendAsync(HttpMethod.Get, "v2/models/sd/execution-time?model=crynux-network/sdxl-turbo&variant=fp16&min_vram=8")).Data!;
        Assert.Equal(["overhead_seconds", "seconds_per_sd_pixel_step"], sd.AsObject().Select(p => p.Key));
        var llm = (await devnet.Creator.SendAsync(HttpMethod.Get,
            "v2/models/llm/execution-time?model=Qwen/Qwen2.5-7B&gpu_name=2x%20NVIDIA%20GeForce%20RTX%204090%20TP%2BLinux&gpu_vram=48")).Data!;
        Assert.Equal(["constant_seconds", "seconds_per_input_token", "seconds_per_output_token", "model_switch_seconds", "seconds_per_image", "seconds_per_megapixel"],
            llm.AsObject().Select(p => p.Key));

        // A started task's estimated completion is start + the coefficients applied to its arguments.
        devnet.Control.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true };
        var spec = await devnet.CreateAsync(TaskSpec.Sd(width: 64, height: 48, images: 2));
        var task = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.Started);
        var seconds = sd["overhead_seconds"]!.GetValue<double>() + (2 * 64 * 48 * 1 * sd["seconds_per_sd_pixel_step"]!.GetValue<double>());
        var status = await devnet.Creator.BatchStatusAsync(spec.Commitment);
        var eta = DateTimeOffset.Parse(status.Data![0]!["estimated_completion_time"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.InRange((eta - task.StartTime!.Value.AddSeconds(seconds)).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Queued_priority_is_a_snapshot_of_the_queue_refreshed_on_the_devnet_clock()
    {
        await using var devnet = await Protocol2026.StartAsync(o =>
        {
            o.Nodes.Clear();
            o.QueueTimeout = TimeSpan.FromHours(1);
        });
        var empty = (await devnet.Creator.SendAsync(HttpMethod.Get, "v2/tasks/queued/priority")).Data!;
        Assert.Equal(new JsonObject
        {
            ["as_of"] = devnet.Time.GetUtcNow().ToUnixTimeSeconds(),
            ["queued_task_count"] = 0,
            ["highest_priority_gwei"] = null,
            ["median_priority_gwei"] = null,
            ["lowest_priority_gwei"] = null,
        }.ToJsonString(), empty.ToJsonString());

        foreach (var cnx in new[] { 1, 4, 2, 3 })
        {
            await devnet.CreateAsync(TaskSpec.Llm() with { TaskFee = cnx * TestDevnet.Cnx });
        }
        Assert.Equal(0, (await devnet.Creator.SendAsync(HttpMethod.Get, "v2/tasks/queued/priority")).Data!["queued_task_count"]!.GetValue<int>());

        devnet.Time.Advance(TimeSpan.FromSeconds(300));
        devnet.Control.RunDueTimers();
        var data = (await devnet.Creator.SendAsync(HttpMethod.Get, "v2/tasks/queued/priority")).Data!;
        Assert.Equal(devnet.Time.GetUtcNow().ToUnixTimeSeconds(), data["as_of"]!.GetValue<long>());
        Assert.Equal(4, data["queued_task_count"]!.GetValue<int>());
        var (high, median, low) = (Gwei(data, "highest"), Gwei(data, "median"), Gwei(data, "lowest"));
        // Same arguments, so priority is proportional to the fee: queue order 4, 3, 2, 1 CNX; median at index 4 / 2.
        Assert.InRange(high - (4 * low), -4, 4);
        Assert.InRange(median - (2 * low), -2, 2);
        Assert.True(low > 0);

        await devnet.CreateAsync(TaskSpec.Llm());
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.PostJsonAsync("devnet/priority_snapshot", new JsonObject())).Status);
        Assert.Equal(5, (await devnet.Creator.SendAsync(HttpMethod.Get, "v2/tasks/queued/priority")).Data!["queued_task_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Admin_api_changes_the_hub_and_rejects_bad_knobs()
    {
        await using var devnet = await Protocol2026.StartAsync();
        var offDisk = TaskSpec.Llm() with { ModelIds = ["base:acme/new-llm"], MinVram = 1000 };
        Assert.Equal("permanent_error", (await devnet.Creator.BatchCreateAsync(offDisk)).Outcomes().Single().Outcome);

        var hub = await devnet.Creator.PostJsonAsync("devnet/hub", new JsonObject { ["add_models"] = new JsonArray("acme/new-llm"), ["available"] = false });
        Assert.False(hub.Body!["available"]!.GetValue<bool>());
        Assert.Equal(("temporary_error", "base model check temporarily unavailable"), (await devnet.Creator.BatchCreateAsync(offDisk)).Outcomes().Single());
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.PostJsonAsync("devnet/hub", new JsonObject { ["forced_status"] = null, ["available"] = true })).Status);
        Assert.Equal("created", (await devnet.Creator.BatchCreateAsync(offDisk)).Outcomes().Single().Outcome);

        foreach (var bad in new JsonObject[]
        {
            new() { ["available"] = "no" }, new() { ["forced_status"] = 42 }, new() { ["forced_status"] = "503" }, new() { ["add_models"] = new JsonArray(1) },
            new() { ["add_models"] = "x" },
        })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await devnet.Creator.PostJsonAsync("devnet/hub", bad)).Status);
        }
        Assert.True(devnet.Control.HubAvailable);
        Assert.Contains("acme/new-llm", devnet.Control.HubModels);
        var gpu = await devnet.Creator.PostJsonAsync($"devnet/nodes/{devnet.Control.NodeAddresses[0]}/gpu", new JsonObject { ["gpu_name"] = "x+Linux", ["gpu_vram"] = "8" });
        Assert.Equal(HttpStatusCode.BadRequest, gpu.Status);
    }

    private static BigInteger Gwei(JsonNode data, string which) =>
        BigInteger.Parse(data[which + "_priority_gwei"]!.GetValue<string>(), CultureInfo.InvariantCulture);
}
