using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Crynux.Crypto;
using Crynux.Devnet.Http;
using Crynux.Devnet.Nodes;
using Crynux.Devnet.Relay;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Crynux.Devnet;

/// <summary>A running devnet: the Relay HTTP server on 127.0.0.1, its timers, and the simulated nodes.</summary>
public sealed class DevnetHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private readonly List<Task> _loops = [];
    private readonly List<HttpClient> _clients = [];
    private readonly ConcurrentDictionary<string, SimulatedNode> _nodes;

    private DevnetHost(WebApplication app, CancellationTokenSource stopping, ConcurrentDictionary<string, SimulatedNode> nodes, Uri baseUrl, DevnetControl control)
    {
        _app = app;
        _stopping = stopping;
        _nodes = nodes;
        BaseUrl = baseUrl;
        Control = control;
    }

    /// <summary>The Relay's base URL, ending with "/".</summary>
    public Uri BaseUrl { get; }

    public DevnetControl Control { get; }

    public static async Task<DevnetHost> StartAsync(DevnetOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var time = options.TimeProvider ?? TimeProvider.System;
        var relay = new RelayCore(options, time, DeterministicKey("crynux-devnet-relay").Address);
        var signatures = new SignatureGate(time, options.SignatureWindowSeconds);
        var counters = new RequestCounters();
        var faults = new FaultState(options.Faults, options.RandomSeed);
        var faultRules = new FaultRules(time);
        var behaviour = new NodeBehaviourSource(options.DefaultNodeBehaviour);
        var nodes = new ConcurrentDictionary<string, SimulatedNode>(StringComparer.Ordinal);
        var control = new DevnetControl(relay, counters, faults, faultRules, behaviour, nodes);
        foreach (var (account, wei) in options.Funds)
        {
            // Before the server starts: a client that connects at once (or while thousands of nodes join) sees its funds.
            control.Fund(EthAddress.ToChecksum(account), wei);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // Everything comes from DevnetOptions: no appsettings or ASPNETCORE_* variables of the hosting process leak in.
        builder.Configuration.Sources.Clear();
        if (!options.EnableLogging)
        {
            builder.Logging.ClearProviders();
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port);
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = options.MaxBodyBytes;
            form.ValueLengthLimit = (int)Math.Min(int.MaxValue, options.MaxBodyBytes);
        });
        builder.Services.AddCors();
        var app = builder.Build();
        app.UseCors(cors => cors.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod());
        app.UseRouting();
        RequestGate.Use(app, counters, faults, faultRules);
        TaskEndpoints.Map(app, relay, signatures);
        ValidateEndpoints.Map(app, relay, signatures);
        ResultEndpoints.Map(app, relay, signatures);
        NodeEndpoints.Map(app, relay, signatures);
        InfoEndpoints.Map(app, relay, signatures);
        AdminEndpoints.Map(app, control);
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var baseUrl = new Uri(address.TrimEnd('/') + "/");
        var stopping = new CancellationTokenSource();
        var host = new DevnetHost(app, stopping, nodes, baseUrl, control);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Crynux.Devnet.Nodes");
        relay.NodeNotified += notice =>
        {
            if (nodes.TryGetValue(notice.NodeAddress, out var node))
            {
                node.OnNotice(notice);
            }
        };
        var nodeCount = 0;
        string Join(NodeOptions nodeOptions)
        {
            var index = Interlocked.Increment(ref nodeCount) - 1;
            var key = nodeOptions.PrivateKeyHex is { } hex ? EthKey.FromHex(hex) : DeterministicKey($"crynux-devnet-node-{index}");
            var http = new HttpClient { BaseAddress = baseUrl };
            http.DefaultRequestHeaders.Add(RequestGate.NodeHeader, "1");
            lock (host._clients)
            {
                host._clients.Add(http);
            }
            var node = new SimulatedNode(index, key, nodeOptions, new NodeRelayClient(http, key, time), behaviour,
                options.RandomSeed + index + 1, time, logger, stopping.Token);
            if (!nodes.TryAdd(node.Address, node))
            {
                throw new InvalidOperationException($"Node {node.Address} already joined.");
            }
            relay.AddNode(new NodeRecord
            {
                Address = node.Address,
                GpuName = nodeOptions.GpuName,
                GpuVram = nodeOptions.GpuVram,
                Version = nodeOptions.Version,
                ModelIds = [.. nodeOptions.Models.Select(m => m.ToLowerInvariant())],
            });
            return node.Address;
        }
        control.JoinNode = Join;
        foreach (var nodeOptions in options.Nodes)
        {
            Join(nodeOptions);
        }
        if (options.MatchingInterval > TimeSpan.Zero)
        {
            host._loops.Add(RunEvery(options.MatchingInterval, time, () => relay.MatchQueuedTasks(), stopping.Token));
        }
        host._loops.Add(RunEvery(options.TimeoutCheckInterval, time, () => relay.ProcessTimeouts(), stopping.Token));
        return host;
    }

    private static async Task RunEvery(TimeSpan interval, TimeProvider time, Func<int> tick, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                tick();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <summary>A fixed key per name, so node and relay addresses are the same on every run.</summary>
    private static EthKey DeterministicKey(string name) => EthKey.FromBytes(Keccak256.Hash(Encoding.UTF8.GetBytes(name)));

    /// <summary>Completes when the process is asked to stop (Ctrl+C, SIGTERM); for the standalone program.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_loops);
        var running = _nodes.Values.SelectMany(n => n.Running).ToArray();
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(TimeSpan.FromSeconds(5)));
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        _stopping.Dispose();
    }
}
