using System.Net;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>Multi-GPU nodes ("&lt;N&gt;x &lt;model&gt;[ TP]+&lt;platform&gt;", summed VRAM) in matching and LLM validation copies.</summary>
public class MultiGpuTests
{
    private const string Tp = "2x NVIDIA GeForce RTX 4090 TP+Linux";
    private const string NoTp = "2x NVIDIA GeForce RTX 4090+Linux";

    [Fact]
    public void Nodes_report_the_group_name_and_summed_vram_as_the_node_software_does()
    {
        Assert.Equal((Tp, 48UL), (new NodeOptions { GpuCount = 2 }.ReportedGpuName, new NodeOptions { GpuCount = 2 }.ReportedGpuVram));
        Assert.Equal(NoTp, new NodeOptions { GpuCount = 2, TensorParallel = false }.ReportedGpuName);
        Assert.Equal("4x NVIDIA A100-SXM4-80GB TP+docker", new NodeOptions { GpuName = "NVIDIA A100-SXM4-80GB+docker", GpuVram = 80, GpuCount = 4 }.ReportedGpuName);
        Assert.Equal("2x NVIDIA GeForce RTX 4090+Windows", new NodeOptions { GpuName = "NVIDIA GeForce RTX 4090+Windows", GpuCount = 2 }.ReportedGpuName);
        Assert.Equal("NVIDIA GeForce RTX 4090+Linux", new NodeOptions().ReportedGpuName);
        Assert.Equal(320UL, new NodeOptions { GpuVram = 80, GpuCount = 4 }.ReportedGpuVram);
    }

    [Fact]
    public async Task Llm_copies_run_only_on_the_exact_tp_variant_and_min_vram_counts_the_summed_vram()
    {
        await using var devnet = await Protocol2026.StartAsync(o =>
        {
            o.Nodes.Clear();
            o.Nodes.Add(new NodeOptions());
            o.Nodes.Add(new NodeOptions { GpuCount = 2 });
            o.Nodes.Add(new NodeOptions { GpuCount = 2, TensorParallel = false });
            o.Nodes.Add(new NodeOptions { GpuName = "Apple M2 Max+Darwin", GpuVram = 32, GpuCount = 2 });
        });
        Assert.Equal(["NVIDIA GeForce RTX 4090+Linux", Tp, NoTp, "2x Apple M2 Max+Darwin"],
            devnet.Control.NodeAddresses.Select(a => devnet.Control.GetNode(a)!.GpuName));

        var tpCopy = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Llm() with { RequiredGpu = Tp, RequiredGpuVram = 48 });
        Assert.Equal((Tp, 48UL), Execution(devnet, tpCopy));
        // The Relay collapses whitespace in required_gpu, so a doubled space still names the TP group.
        var spaced = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Llm() with { RequiredGpu = "2x  NVIDIA GeForce RTX 4090 TP+Linux", RequiredGpuVram = 48 });
        Assert.Equal((Tp, 48UL), Execution(devnet, spaced));
        var plainCopy = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Llm() with { RequiredGpu = NoTp, RequiredGpuVram = 48 });
        Assert.Equal((NoTp, 48UL), Execution(devnet, plainCopy));
        for (var i = 0; i < 4; i++)
        {
            var big = await Protocol2026.RunToSuccessAsync(devnet, TaskSpec.Llm() with { MinVram = 48 });
            Assert.Contains(Execution(devnet, big).Gpu, new[] { Tp, NoTp });
        }

        var wrongVram = await devnet.CreateAsync(TaskSpec.Llm() with { RequiredGpu = Tp, RequiredGpuVram = 24 });
        var perCard = await devnet.CreateAsync(TaskSpec.Llm() with { RequiredGpu = "NVIDIA GeForce RTX 4090 TP+Linux", RequiredGpuVram = 48 });
        devnet.Control.RunDueTimers();
        Assert.Equal(RelayTaskStatus.Queued, devnet.Control.GetTask(wrongVram.Commitment)!.Status);
        Assert.Equal(RelayTaskStatus.Queued, devnet.Control.GetTask(perCard.Commitment)!.Status);

        var status = await devnet.Creator.BatchStatusAsync(tpCopy.Commitment);
        Assert.Equal((Tp, 48UL), (status.Data![0]!["execution_gpu"]!.GetValue<string>(), status.Data![0]!["execution_gpu_vram"]!.GetValue<ulong>()));
        var loaded = (await devnet.Creator.SendAsync(HttpMethod.Get, "v2/loaded-models")).Data!.AsArray();
        Assert.Equal(48, Assert.Single(loaded)!["min_vram"]!.GetValue<int>());
    }

    [Fact]
    public async Task Admin_api_adds_a_multi_gpu_node()
    {
        await using var devnet = await Protocol2026.StartAsync();
        var added = await devnet.Creator.PostJsonAsync("devnet/nodes", new JsonObject { ["gpu_count"] = 2, ["gpu_vram"] = 24 });
        var node = devnet.Control.GetNode(added.Body!["address"]!.GetValue<string>())!;
        Assert.Equal((Tp, 48UL), (node.GpuName, node.GpuVram));
        var optOut = await devnet.Creator.PostJsonAsync("devnet/nodes", new JsonObject { ["gpu_count"] = 2, ["tensor_parallel"] = false });
        Assert.Equal(NoTp, devnet.Control.GetNode(optOut.Body!["address"]!.GetValue<string>())!.GpuName);
        Assert.Equal(HttpStatusCode.BadRequest, (await devnet.Creator.PostJsonAsync("devnet/nodes", new JsonObject { ["gpu_count"] = 0 })).Status);
    }

    private static (string Gpu, ulong Vram) Execution(TestDevnet devnet, TaskSpec spec)
    {
        var task = devnet.Control.GetTask(spec.Commitment)!;
        return (task.ExecutionGpu, task.ExecutionGpuVram);
    }
}
