using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Numerics;
using System.Text.Json;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Crypto;
using Crynux.Devnet;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Bridge.Tests.Support;

/// <summary>
/// An in-process devnet (fake clock for its deadlines, zero-delay nodes, immediate matching) and a bridge on a free
/// loopback port, with a funded wallet and an API key holding every role.
/// </summary>
public sealed class TestBridge : IAsyncDisposable
{
    public static readonly BigInteger Cnx = BigInteger.Pow(10, 18);

    private TestBridge(DevnetHost devnet, FakeTimeProvider devnetTime, EthKey wallet, string dataDir, BridgeOptions options)
    {
        Devnet = devnet;
        DevnetTime = devnetTime;
        Wallet = wallet;
        DataDir = dataDir;
        Options = options;
    }

    public DevnetHost Devnet { get; }
    public FakeTimeProvider DevnetTime { get; }
    public EthKey Wallet { get; }
    public string DataDir { get; }
    public BridgeOptions Options { get; }
    public WebApplication? App { get; private set; }
    public Uri BaseUrl => new($"http://127.0.0.1:{Options.Http.Port}/");
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };
    public string ApiKey { get; private set; } = "";

    /// <summary>When set (before the bridge starts), the bridge's clock.</summary>
    public TimeProvider? BridgeTime { get; set; }

    /// <summary>When set (before the bridge starts), the bridge's Relay calls go through it.</summary>
    public HttpMessageHandler? RelayHandler { get; set; }

    public static async Task<TestBridge> StartAsync(string driver = "sqlite", Action<DevnetOptions>? devnet = null, bool fund = true,
        Action<BridgeOptions>? configure = null, bool start = true, bool unselectedSeeds = true, HttpMessageHandler? relayHandler = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("crynux-bridge-test-").FullName;
        var options = new BridgeOptions
        {
            Db = TestDatabases.Create(driver, dataDir),
            Http = new HttpOptions { Host = "127.0.0.1", Port = FreePort() },
            DataDir = new DataDirOptions { InferenceTasks = Path.Combine(dataDir, "results") },
            Relay = new RelayOptions { EventsPollIntervalMs = 10, ReconcileIntervalSeconds = 60, TimeoutSeconds = 10 },
            Engine = new EngineOptions { InstanceId = "test-a", LeaseSeconds = 6, Workers = 8 },
            Log = new LogOptions { Level = Environment.GetEnvironmentVariable("CRYNUX_TEST_LOG") ?? "warning", Output = Environment.GetEnvironmentVariable("CRYNUX_TEST_LOGFILE") ?? "" },
            // Fixed fees unless a test asks for auto (tests/…/Fees): most tests count exact default fees and payments.
            Task = new TaskOptions { FeeMode = "fixed" },
        };
        configure?.Invoke(options);
        var devnetTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var devnetOptions = new DevnetOptions
        {
            TimeProvider = devnetTime,
            MatchingInterval = TimeSpan.Zero,
            TimeoutCheckInterval = TimeSpan.FromDays(30),
            QueueTimeout = TimeSpan.FromSeconds(100),
            AppValidationTimeout = TimeSpan.FromSeconds(100),
            ResultUploadTimeout = TimeSpan.FromSeconds(100),
        };
        devnet?.Invoke(devnetOptions);
        var host = await DevnetHost.StartAsync(devnetOptions);
        options.Relay.BaseUrl = host.BaseUrl.ToString();
        var wallet = EthKey.Generate();
        if (fund)
        {
            host.Control.Fund(wallet.Address, 1_000_000 * Cnx);
        }
        if (unselectedSeeds)
        {
            // The Relay's seeds are random, and 1 task in 100 is drawn for validation (3 tasks, 3 payments): the first tasks
            // of a test get seeds that are not drawn, so that counts of tasks and payments are exact. Group tests opt out.
            foreach (var seed in SeedsNotSelected(wallet).Take(DefaultUnselectedSeeds))
            {
                host.Control.EnqueueSamplingSeed(seed);
            }
        }
        var bridge = new TestBridge(host, devnetTime, wallet, dataDir, options) { RelayHandler = relayHandler };
        if (start)
        {
            await bridge.StartBridgeAsync();
            bridge.ApiKey = await bridge.CreateKeyAsync("0x" + new string('1', 40), $"{Roles.Chat},{Roles.Image}", useLimit: 0, rateLimit: 0);
        }
        return bridge;
    }

    public async Task StartBridgeAsync()
    {
        App = await StartOnFreePortAsync(Options);
        // Ready when the engine has its event cursor (tasks admitted before that are resynced with an extra GET).
        var engine = Service<global::Crynux.Bridge.Engine.Services.EventLoopService>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (engine.LastEventsPoll is null && DateTime.UtcNow < deadline && Devnet.Control.Faults.FailNextRequests == 0)
        {
            await Task.Delay(10);
        }
    }

    /// <summary>A second bridge instance on the same database and relay, with its own instance id and port.</summary>
    public async Task<(WebApplication App, Uri BaseUrl)> StartSecondInstanceAsync(string instanceId)
    {
        var options = new BridgeOptions
        {
            Db = Options.Db,
            DataDir = Options.DataDir,
            Relay = Options.Relay,
            Log = Options.Log,
            Task = Options.Task,
            Api = Options.Api,
            Redis = Options.Redis,
            Admin = Options.Admin,
            Http = new HttpOptions { Host = "127.0.0.1", Port = FreePort() },
            Engine = new EngineOptions { InstanceId = instanceId, LeaseSeconds = Options.Engine.LeaseSeconds, Workers = Options.Engine.Workers },
        };
        var app = await StartOnFreePortAsync(options);
        return (app, new Uri($"http://127.0.0.1:{options.Http.Port}/"));
    }

    /// <summary>
    /// Starts a bridge on <paramref name="options"/>' port, or on a new free one when another process took that port in the
    /// meantime (FreePort only finds a port that was free; parallel tests' outbound connections draw from the same range).
    /// </summary>
    private async Task<WebApplication> StartOnFreePortAsync(BridgeOptions options)
    {
        for (var attempt = 1; ; attempt++)
        {
            var app = await BridgeApp.BuildAsync(options, Wallet, BridgeTime, RelayHandler);
            try
            {
                await app.StartAsync();
                return app;
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException && attempt < 5)
            {
                await app.StopAsync(); // the engine may have started before Kestrel failed to bind
                await app.DisposeAsync();
                Console.WriteLine($"test bridge: port {options.Http.Port} was taken; starting on another");
                options.Http.Port = FreePort();
            }
        }
    }

    public async Task StopBridgeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
            App = null;
        }
    }

    public T Service<T>() where T : notnull => App!.Services.GetRequiredService<T>();

    /// <summary>Creates (or rotates) a client's key directly in the store, with roles and limits.</summary>
    public async Task<string> CreateKeyAsync(string clientId, string roles, long useLimit, long rateLimit)
    {
        var keys = Service<ApiKeyStore>();
        var key = ApiKeys.NewKey();
        var now = DateTimeOffset.UtcNow;
        var row = await keys.CreateOrRotateAsync(EthAddress.ToChecksum(clientId), ApiKeys.Hash(key), ApiKeys.Preview(key), now.AddDays(30).ToUnixTimeSeconds(),
            useLimit, rateLimit, now.ToUnixTimeMilliseconds(), CancellationToken.None);
        await keys.SetRolesAsync(row.Id, roles, now.ToUnixTimeMilliseconds(), CancellationToken.None);
        await keys.SetUseLimitAsync(row.ClientId, useLimit, now.ToUnixTimeMilliseconds(), CancellationToken.None);
        await keys.SetRateLimitAsync(row.ClientId, rateLimit, now.ToUnixTimeMilliseconds(), CancellationToken.None);
        return key;
    }

    public async Task<HttpResponseMessage> PostAsync(string path, object body, string? key = null, IDictionary<string, string>? headers = null, Uri? baseUrl = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl ?? BaseUrl, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key ?? ApiKey);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await Http.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Creates a raw task and waits (through the engine's signal, not by polling) for its outcome.</summary>
    public async Task<ClientTaskRow> RunRawAsync(object body)
    {
        var id = await SubmitRawAsync(body);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await Service<global::Crynux.Bridge.Engine.TaskSubmitter>().WaitAsync(id, timeout.Token);
    }

    /// <summary>Creates a raw task and returns its client task id at once.</summary>
    public async Task<long> SubmitRawAsync(object body, Uri? baseUrl = null)
    {
        using var response = await PostAsync("v1/inference_tasks", body, baseUrl: baseUrl);
        var json = await JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json.GetProperty("data").GetProperty("id").GetInt64();
    }

    /// <summary>Waits for the client task's outcome (on <paramref name="instance"/>, by default this bridge); a timeout describes where it stands.</summary>
    public async Task<ClientTaskRow> WaitAsync(long id, int seconds = 60, IServiceProvider? instance = null)
    {
        var services = instance ?? App!.Services;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await services.GetRequiredService<global::Crynux.Bridge.Engine.TaskSubmitter>().WaitAsync(id, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"client task {id} did not finish in {seconds} s: {await DescribeAsync(id, services)}");
        }
    }

    /// <summary>The client task's rows and what the Relay holds for each, for a failure message.</summary>
    public async Task<string> DescribeAsync(long id, IServiceProvider? instance = null)
    {
        var store = (instance ?? App!.Services).GetRequiredService<TaskStore>();
        var task = await store.GetClientTaskAsync(id, CancellationToken.None);
        var members = await store.GetMembersAsync(id, CancellationToken.None);
        return $"status {task?.Status} open {task?.IsOpen} lease {task?.LeaseOwner} until {task?.LeaseExpiresAt} (now {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}); " + string.Join("; ", members.Select(m =>
            $"#{m.Id} stage {m.Stage} status {m.Status} unknown {m.OutcomeUnknown} validate {m.ValidateSent} attempts {m.Attempts} relay {Devnet.Control.GetTask(m.TaskIdCommitment)?.Status} err {m.LastError}"));
    }

    public int CountLedger(string kind) => Devnet.Control.GetLedger(Wallet.Address).Count(e => e.Kind.ToString() == kind);

    public const int DefaultUnselectedSeeds = 64;

    /// <summary>Sampling seeds whose VRF (with this wallet) does not draw the task for validation, in a fixed order.</summary>
    public static IEnumerable<byte[]> SeedsNotSelected(EthKey wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        for (var i = 0; ; i++)
        {
            var seed = Keccak256.Hash(BitConverter.GetBytes(i));
            if (!Ecvrf.IsSelectedForValidation(Ecvrf.Prove(wallet, seed).Beta))
            {
                yield return seed;
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopBridgeAsync();
        await Devnet.DisposeAsync();
        Http.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing process; the temp folder is cleaned by the OS.
        }
    }
}
