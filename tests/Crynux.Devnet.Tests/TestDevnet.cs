using System.Globalization;
using System.Numerics;
using System.Text;
using Crynux.Crypto;
using Crynux.Devnet.Relay;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Devnet.Tests;

/// <summary>An in-process devnet on an ephemeral port with a fake clock, zero-delay nodes and a funded creator.</summary>
public sealed class TestDevnet : IAsyncDisposable
{
    public static readonly BigInteger Cnx = BigInteger.Pow(10, 18);
    public static readonly BigInteger InitialFunds = 100 * Cnx;

    private TestDevnet(DevnetHost host, FakeTimeProvider time, HttpClient http, SigningClient creator)
    {
        Host = host;
        Time = time;
        Http = http;
        Creator = creator;
    }

    public DevnetHost Host { get; }
    public DevnetControl Control => Host.Control;
    public FakeTimeProvider Time { get; }
    public HttpClient Http { get; }
    public SigningClient Creator { get; }

    public static async Task<TestDevnet> StartAsync(Action<DevnetOptions>? configure = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new DevnetOptions
        {
            TimeProvider = time,
            // The 2025 generation, named: most tests here read results per index; the 2026 ones set it themselves.
            Protocol = 2025,
            MatchingInterval = TimeSpan.Zero,
            // Only RunDueTimers fires deadlines in tests, so each test decides when they are processed.
            TimeoutCheckInterval = TimeSpan.FromDays(30),
            QueueTimeout = TimeSpan.FromSeconds(100),
            AppValidationTimeout = TimeSpan.FromSeconds(100),
            ResultUploadTimeout = TimeSpan.FromSeconds(100),
            MinExecutionTimeoutSeconds = 100,
            MaxExecutionTimeoutSeconds = 100,
        };
        options.Nodes.Clear();
        for (var i = 0; i < 3; i++)
        {
            options.Nodes.Add(new NodeOptions());
        }
        configure?.Invoke(options);
        var host = await DevnetHost.StartAsync(options, TestContext.Current.CancellationToken);
        var http = new HttpClient { BaseAddress = host.BaseUrl };
        var creator = new SigningClient(http, EthKey.Generate(), () => time.GetUtcNow().ToUnixTimeSeconds());
        host.Control.Fund(creator.Address, InitialFunds);
        return new TestDevnet(host, time, http, creator);
    }

    public SigningClient ClientFor(EthKey key) => new(Http, key, () => Time.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>Waits for a status with a generous real-time safety net (the nodes run on the thread pool).</summary>
    public async Task<TaskSnapshot> WaitAsync(string commitment, params RelayTaskStatus[] statuses)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            return await Control.WaitForStatusAsync(commitment, cts.Token, statuses);
        }
        catch (OperationCanceledException)
        {
            var now = Control.GetTask(commitment);
            throw new Xunit.Sdk.XunitException($"Task {commitment} never reached {string.Join(",", statuses)}; it is {now?.Status}.");
        }
    }

    /// <summary>Creates a task and asserts the create succeeded.</summary>
    public async Task<TaskSpec> CreateAsync(TaskSpec spec, SigningClient? client = null)
    {
        var reply = await (client ?? Creator).CreateAsync(spec);
        Assert.True(reply.Status == System.Net.HttpStatusCode.OK, $"create failed: {(int)reply.Status} {reply.Body?.ToJsonString()}");
        return spec;
    }

    /// <summary>A sampling seed whose VRF beta under <paramref name="key"/> is (or is not) selected for validation.</summary>
    public static byte[] FindSeed(EthKey key, bool selected)
    {
        for (var i = 0; ; i++)
        {
            var seed = Keccak256.Hash(Encoding.UTF8.GetBytes("seed-" + i.ToString(CultureInfo.InvariantCulture) + key.Address));
            if (Ecvrf.IsSelectedForValidation(Ecvrf.Prove(key, seed).Beta) == selected)
            {
                return seed;
            }
        }
    }

    public static byte[] SeedOf(TaskSnapshot task) => Hex.Decode(task.SamplingSeed);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}
