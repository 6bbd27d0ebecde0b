using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Crypto;

namespace Crynux.Bridge.Bench;

/// <summary>What a scenario needs from the devnet and the bridge.</summary>
internal sealed record ClusterSpec
{
    public int Nodes { get; init; } = 64;
    public int DelayMs { get; init; }
    public int KeepAliveSeconds { get; init; } = 15;
    public int? EventsPollMs { get; init; }
    public string DbDriver { get; init; } = "sqlite";
    public string? DbConnection { get; init; }
    /// <summary>The devnet's Relay generation (2025 or 2026; --protocol).</summary>
    public int Protocol { get; init; } = Plan.DefaultProtocol;
}

/// <summary>A devnet process and a bridge process on loopback, a funded wallet and an API key with chat and image roles.</summary>
internal sealed class Cluster : IDisposable
{
    public const string Model = "Qwen/Qwen2.5-7B";
    private static int _serial;

    private Cluster(string dir, ChildProcess devnet, ChildProcess bridge, Uri devnetUrl, Uri bridgeUrl)
    {
        Dir = dir;
        Devnet = devnet;
        Bridge = bridge;
        DevnetUrl = devnetUrl;
        BridgeUrl = bridgeUrl;
        Http = NewClient();
    }

    public string Dir { get; }
    public ChildProcess Devnet { get; }
    public ChildProcess Bridge { get; }
    public Uri DevnetUrl { get; }
    public Uri BridgeUrl { get; }
    public HttpClient Http { get; }
    public string ApiKey { get; private set; } = "";

    public static HttpClient NewClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    public static async Task<Cluster> StartAsync(BenchPaths paths, ClusterSpec spec)
    {
        var dir = Path.Combine(paths.WorkDir, $"cluster{Interlocked.Increment(ref _serial)}");
        Directory.CreateDirectory(dir);
        var wallet = EthKey.Generate();
        var keyFile = Path.Combine(dir, "wallet.key");
        await File.WriteAllTextAsync(keyFile, wallet.ExportHex());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var devnetPort = FreePort();
        var devnet = ChildProcess.Start("devnet", paths.DevnetDll,
        [
            // Named: most figures in docs/benchmarks.md were measured on the 2025 Relay (the devnet's default is now 2026).
            "--protocol", spec.Protocol.ToString(CultureInfo.InvariantCulture),
            "--port", devnetPort.ToString(CultureInfo.InvariantCulture), "--listen", "127.0.0.1",
            "--nodes", spec.Nodes.ToString(CultureInfo.InvariantCulture), "--matching-interval-ms", "0",
            "--min-delay-ms", spec.DelayMs.ToString(CultureInfo.InvariantCulture), "--max-delay-ms", spec.DelayMs.ToString(CultureInfo.InvariantCulture),
            "--min-exec-timeout-s", "3600", "--fund", $"{wallet.Address}=1{new string('0', 30)}",
        ], Path.Combine(dir, "devnet.log"));
        var devnetUrl = new Uri($"http://127.0.0.1:{devnetPort}/");
        ChildProcess? bridge = null;
        try
        {
            await WaitReadyAsync(devnet, new Uri(devnetUrl, "devnet/stats"), TimeSpan.FromSeconds(60));
            // The devnet funds the wallet once its nodes have joined, after it starts answering: with thousands of nodes
            // the first tasks would otherwise meet an empty account.
            await WaitFundedAsync(devnetUrl, wallet.Address, TimeSpan.FromSeconds(120));
            var bridgePort = FreePort();
            var args = new List<string>
            {
                $"--relay:base_url={devnetUrl}", "--http:host=127.0.0.1", $"--http:port={bridgePort}",
                $"--db:driver={spec.DbDriver}", $"--db:connection={spec.DbConnection ?? Path.Combine(dir, "bridge.db")}",
                $"--data_dir:inference_tasks={Path.Combine(dir, "results")}", "--engine:instance_id=bench",
                $"--blockchain:account:private_key_file={keyFile}", $"--api:keep_alive_seconds={spec.KeepAliveSeconds}",
                $"--log:output={Path.Combine(dir, "bridge-file.log")}", $"--db:log:output={Path.Combine(dir, "bridge-db.log")}",
            };
            if (spec.EventsPollMs is { } poll)
            {
                args.Add($"--relay:events_poll_interval_ms={poll}");
            }
            bridge = ChildProcess.Start("bridge", paths.BridgeDll, args, Path.Combine(dir, "bridge.log"));
            var bridgeUrl = new Uri($"http://127.0.0.1:{bridgePort}/");
            await WaitReadyAsync(bridge, new Uri(bridgeUrl, "readyz"), TimeSpan.FromSeconds(90));
            var cluster = new Cluster(dir, devnet, bridge, devnetUrl, bridgeUrl);
            await cluster.CreateApiKeyAsync(wallet);
            return cluster;
        }
        catch
        {
            bridge?.Dispose();
            devnet.Dispose();
            throw;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitReadyAsync(ChildProcess process, Uri probe, TimeSpan timeout)
    {
        using var http = NewClient();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited at start:\n{process.LogTail()}");
            }
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await http.GetAsync(probe, cts.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{process.Name} was not ready within {timeout.TotalSeconds} s:\n{process.LogTail()}");
    }

    /// <summary>The documented route: root signs POST /v1/api_key/{client}, then /role chat and image, /rate_limit 0, /use_limit 0.</summary>
    private async Task CreateApiKeyAsync(EthKey root)
    {
        var client = EthKey.Generate().Address;
        var created = await SignedPostAsync(root, $"v1/api_key/{client}", new JsonObject { ["client_id"] = client }, []);
        ApiKey = created["data"]!["api_key"]!.GetValue<string>();
        foreach (var role in new[] { "chat", "image" })
        {
            await SignedPostAsync(root, $"v1/api_key/{client}/role", new JsonObject { ["client_id"] = client, ["role"] = role }, new() { ["role"] = role });
        }
        foreach (var field in new[] { "rate_limit", "use_limit" })
        {
            await SignedPostAsync(root, $"v1/api_key/{client}/{field}", new JsonObject { ["client_id"] = client, [field] = 0 }, new() { [field] = 0 });
        }
    }

    private async Task<JsonNode> SignedPostAsync(EthKey key, string path, JsonObject signed, JsonObject body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        body["timestamp"] = timestamp;
        body["signature"] = SignedRequest.Sign(key, signed, timestamp);
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(BridgeUrl, path), content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        }
        return JsonNode.Parse(text)!;
    }

    public static string ChatBody(string content, bool stream) =>
        new JsonObject
        {
            ["model"] = Model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
            ["max_tokens"] = 16,
            ["stream"] = stream,
        }.ToJsonString();

    public static string ResponsesBody(string content) =>
        new JsonObject { ["model"] = Model, ["input"] = content, ["max_output_tokens"] = 16, ["stream"] = true }.ToJsonString();

    public static string RawTaskBody(string content) =>
        new JsonObject
        {
            ["task_type"] = 1,
            ["task_args"] = new JsonObject
            {
                ["model"] = Model,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
                ["generation_config"] = new JsonObject { ["max_new_tokens"] = 16, ["num_return_sequences"] = 1 },
                ["seed"] = 1,
                ["dtype"] = "bfloat16",
            }.ToJsonString(),
        }.ToJsonString();

    private static async Task WaitFundedAsync(Uri devnetUrl, string address, TimeSpan timeout)
    {
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var json = JsonNode.Parse(await http.GetStringAsync(new Uri(devnetUrl, $"devnet/balance/{address}")));
            var balance = (json?["balance"] ?? json?["data"]?["balance"])?.GetValue<string>();
            if (balance is not null && balance != "0")
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the devnet did not fund {address} within {timeout.TotalSeconds} s");
    }

    public HttpRequestMessage Post(string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BridgeUrl, path))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        return request;
    }

    public async Task<JsonNode> DevnetGetAsync(string path)
    {
        var text = await Http.GetStringAsync(new Uri(DevnetUrl, path));
        return JsonNode.Parse(text)!;
    }

    public async Task DevnetPostAsync(string path, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(DevnetUrl, path), content);
        response.EnsureSuccessStatusCode();
    }

    public Task SetNodeDelayAsync(int ms) =>
        DevnetPostAsync("devnet/behaviour", new JsonObject { ["min_delay_ms"] = ms, ["max_delay_ms"] = ms });

    public Task<string> MetricsAsync() => Http.GetStringAsync(new Uri(BridgeUrl, "metrics"));

    public async Task<double> GaugeAsync(string name)
    {
        // "name value" or, as OpenTelemetry's exporter writes a series without labels, "name{} value" (the same series).
        foreach (var line in (await MetricsAsync()).Split('\n'))
        {
            foreach (var prefix in new[] { name + " ", name + "{} " })
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
                }
            }
        }
        return double.NaN;
    }

    public async Task<RelayStats> RelayStatsAsync()
    {
        var stats = await DevnetGetAsync("devnet/stats");
        var byRoute = stats["requests_by_route"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<long>(), StringComparer.Ordinal);
        return new RelayStats(stats["client_requests"]!.GetValue<long>(), stats["completed_tasks"]!.GetValue<long>(), byRoute);
    }

    /// <summary>Waits until the bridge drives no open task (bounded); answers whether it drained.</summary>
    public async Task<bool> WaitIdleAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await GaugeAsync("crynux_bridge_open_tasks") == 0)
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }

    public void Dispose()
    {
        Http.Dispose();
        Bridge.Dispose();
        Devnet.Dispose();
    }
}

/// <summary>Devnet request counters (client = the bridge; node requests are counted apart by the devnet).</summary>
internal sealed record RelayStats(long ClientRequests, long CompletedTasks, IReadOnlyDictionary<string, long> ByRoute)
{
    /// <summary>The shared events poll: GET /v1/events, /v1/events/current_id, /v1/now (only the bridge calls them).</summary>
    public static readonly string[] PollRoutes = ["GET /v1/events", "GET /v1/events/current_id", "GET /v1/now"];

    public long PollRequests => PollRoutes.Sum(r => ByRoute.TryGetValue(r, out var n) ? n : 0);

    public long TaskRequests => ClientRequests - PollRequests;

    public RelayStats Minus(RelayStats before) => new(ClientRequests - before.ClientRequests, CompletedTasks - before.CompletedTasks,
        ByRoute.ToDictionary(p => p.Key, p => p.Value - (before.ByRoute.TryGetValue(p.Key, out var b) ? b : 0), StringComparer.Ordinal));
}

internal sealed record BenchPaths(string ArtifactsRoot, string DevnetDll, string BridgeDll, string WorkDir);

internal static class JsonExtensions
{
    public static DateTimeOffset? Time(this JsonNode? node, string key) =>
        node?[key]?.GetValue<string>() is { } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
