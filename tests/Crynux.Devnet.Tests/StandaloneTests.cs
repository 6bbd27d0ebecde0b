using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Crynux.Crypto;
using Crynux.Devnet.Media;

namespace Crynux.Devnet.Tests;

/// <summary>The standalone process (the same build as `dotnet run --project src/Crynux.Devnet`) driven over HTTP only.</summary>
public class StandaloneTests
{
    [Fact]
    public async Task Standalone_devnet_serves_now_and_complete_sd_and_llm_tasks()
    {
        var ct = TestContext.Current.CancellationToken;
        var creator = EthKey.Generate();
        var dll = Path.Combine(AppContext.BaseDirectory, "Crynux.Devnet.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--protocol", "2025", "--port", "0", "--nodes", "2", "--matching-interval-ms", "0", "--fund", $"{creator.Address}=100000000000000000000" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var banner = await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct) ?? "";
            var url = banner.Split(' ').First(w => w.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var client = new SigningClient(http, creator, () => DateTimeOffset.UtcNow.ToUnixTimeSeconds());

            var now = await client.SendAsync(HttpMethod.Get, "v1/now");
            Assert.InRange(now.Data!["now"]!.GetValue<long>(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);

            var sd = await RunAsync(client, TaskSpec.Sd(width: 128, height: 96, images: 2));
            Assert.All(sd.Files, f => Assert.Equal((128, 96), (PngImage.Decode(f).Width, PngImage.Decode(f).Height)));
            var llm = await RunAsync(client, TaskSpec.Llm());
            Assert.Equal("assistant", JsonNode.Parse(llm.Files[0])!["choices"]![0]!["message"]!["role"]!.GetValue<string>());
            // A second round shows the warm (JIT-compiled) cost.
            var sdWarm = await RunAsync(client, TaskSpec.Sd(width: 128, height: 96, images: 2));
            var llmWarm = await RunAsync(client, TaskSpec.Llm());
            TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"standalone end-to-end: SD {sd.Elapsed.TotalMilliseconds:F0} ms (warm {sdWarm.Elapsed.TotalMilliseconds:F0} ms), LLM {llm.Elapsed.TotalMilliseconds:F0} ms (warm {llmWarm.Elapsed.TotalMilliseconds:F0} ms)"));

            var stats = await client.SendAsync(HttpMethod.Get, "devnet/stats");
            Assert.Equal(4, stats.Body!["completed_tasks"]!.GetValue<int>());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Accounts_in_the_options_are_funded_before_the_first_request()
    {
        var account = Crynux.Crypto.EthKey.Generate().Address;
        await using var host = await DevnetHost.StartAsync(new DevnetOptions
        {
            Port = 0,
            Funds = { [account.ToLowerInvariant()] = 7 },
        }, TestContext.Current.CancellationToken);
        Assert.Equal(7, host.Control.GetBalance(account));
        Assert.Single(host.Control.GetLedger(account), e => e.Kind == Crynux.Devnet.Relay.LedgerKind.Fund);
    }

    [Fact]
    public async Task Unknown_flags_exit_with_code_2_and_a_hint()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Crynux.Devnet.dll"), "--bogus" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Unknown flag --bogus", error);
    }

    [Fact]
    public async Task Help_lists_every_flag_and_exits_0()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Crynux.Devnet.dll"), "--help" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);
        foreach (var flag in new[] { "--protocol", "--batch-create-max", "--batch-status-max", "--batch-validate-max", "--batch-abort-max",
            "--result-max-bytes", "--priority-snapshot-s", "--hub-models", "--hub-unavailable", "--gpu-count", "--no-tensor-parallel", "--fund" })
        {
            Assert.Contains(flag, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Standalone_2026_devnet_serves_the_new_routes_with_its_flags()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "Crynux.Devnet.dll"), "--port", "0", "--nodes", "1", "--protocol", "2026",
                "--gpu-count", "2", "--batch-status-max", "1", "--hub-models", "org/only", "--hub-unavailable",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var banner = await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct) ?? "";
            using var http = new HttpClient { BaseAddress = new Uri(banner.Split(' ').First(w => w.StartsWith("http://127.0.0.1:", StringComparison.Ordinal))) };
            var client = new SigningClient(http, EthKey.Generate(), () => DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.Equal(2026, (await client.SendAsync(HttpMethod.Get, "devnet/protocol")).Body!["protocol"]!.GetValue<int>());
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Get, "v2/tasks/queued/priority")).Status);
            var node = (await client.SendAsync(HttpMethod.Get, "devnet/nodes")).Body!.AsArray().Single()!;
            Assert.Equal(("2x NVIDIA GeForce RTX 4090 TP+Linux", 48), (node["gpu_name"]!.GetValue<string>(), node["gpu_vram"]!.GetValue<int>()));
            Assert.Equal(("task_id_commitments", "Batch exceeds maximum item count 1"),
                (await client.BatchStatusAsync("0x" + new string('1', 64), "0x" + new string('2', 64))).Validation);
            var hub = (await client.SendAsync(HttpMethod.Get, "devnet/hub")).Body!;
            Assert.Equal((false, "org/only"), (hub["available"]!.GetValue<bool>(), hub["models"]!.AsArray().Single()!.GetValue<string>()));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>create → poll until ScoreReady → validate → poll until EndSuccess → download, as a bridge does.</summary>
    private static async Task<(List<byte[]> Files, TimeSpan Elapsed)> RunAsync(SigningClient client, TaskSpec spec)
    {
        var seed = TestDevnet.FindSeed(client.Key, selected: false);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("devnet/sampling_seeds", new JsonObject { ["seed"] = Hex.Encode(seed) })).Status);
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await client.CreateAsync(spec)).Status);
        await PollAsync(client, spec.Commitment, 4);
        Assert.Equal(HttpStatusCode.OK, (await client.ValidateAsync([spec.Commitment], spec.TaskId, seed)).Status);
        await PollAsync(client, spec.Commitment, 8);
        var files = new List<byte[]>();
        for (var i = 0; i < (int)spec.TaskSize; i++)
        {
            var file = await client.ResultAsync(spec.Commitment, i);
            Assert.Equal(HttpStatusCode.OK, file.Status);
            files.Add(file.Bytes);
        }
        return (files, clock.Elapsed);
    }

    private static async Task PollAsync(SigningClient client, string commitment, int status)
    {
        for (var attempt = 0; attempt < 2000; attempt++)
        {
            var task = await client.GetTaskAsync(commitment);
            if (task.Data?["status"]?.GetValue<int>() == status)
            {
                return;
            }
            // Polling the real HTTP API of a separate process; a short yield between polls, not a timing assumption.
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"task {commitment} never reached status {status}");
    }
}
