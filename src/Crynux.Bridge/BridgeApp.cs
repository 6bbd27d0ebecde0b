using Crynux.Bridge.Api;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Relay;
using Crynux.Crypto;
using Serilog;
using Serilog.Events;
using StackExchange.Redis;

namespace Crynux.Bridge;

/// <summary>Builds the bridge: options, wallet, database, Relay client, engine and every API area.</summary>
public static class BridgeApp
{
    /// <param name="options">Validated options.</param>
    /// <param name="wallet">The application wallet.</param>
    /// <param name="time">The clock (tests inject one).</param>
    /// <param name="relayHandler">An HTTP handler for Relay calls (tests and benchmarks may wrap it).</param>
    public static async Task<WebApplication> BuildAsync(BridgeOptions options, EthKey wallet, TimeProvider? time = null, HttpMessageHandler? relayHandler = null,
        string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(wallet);
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Configuration.Sources.Clear();
        ConfigureLogging(builder, options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.Http.MaxBodyBytes;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            if (options.Http.Host is "0.0.0.0" or "" or "*")
            {
                kestrel.ListenAnyIP(options.Http.Port);
            }
            else if (options.Http.Host == "localhost")
            {
                kestrel.ListenLocalhost(options.Http.Port);
            }
            else
            {
                kestrel.Listen(System.Net.IPAddress.Parse(options.Http.Host), options.Http.Port);
            }
        });

        var db = Database.FromOptions(options.Db, Path.GetDirectoryName(Path.GetFullPath(options.DataDir.InferenceTasks)) ?? "data");
        await db.MigrateAsync();
        var metrics = new BridgeMetrics();
        var instanceId = options.Engine.InstanceId.Length > 0 ? options.Engine.InstanceId : Environment.MachineName;

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(wallet);
        services.AddSingleton(time);
        services.AddSingleton(db);
        services.AddSingleton(metrics);
        services.AddSingleton(new EngineIdentity(instanceId));
        services.AddSingleton(new ResultFiles(options.DataDir.InferenceTasks));
        services.AddSingleton<TaskStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<RelayClock>();
        services.AddSingleton(sp => new RelayClient(
            new HttpClient(relayHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 256 }, disposeHandler: relayHandler is null)
            {
                BaseAddress = new Uri(options.Relay.BaseUrl.TrimEnd('/') + "/"),
                Timeout = TimeSpan.FromSeconds(options.Relay.TimeoutSeconds),
            },
            wallet, sp.GetRequiredService<RelayClock>(), time, metrics, options.Relay));
        services.AddSingleton<TaskSignals>();
        services.AddSingleton<OpenTasks>();
        services.AddSingleton<WorkSet>();
        services.AddSingleton(new RelayQueueGate(options.Engine.RelayQueueLimit));
        services.AddSingleton<TaskDriver>();
        services.AddSingleton<TaskEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<TaskEngine>());
        services.AddSingleton<AdmissionWriter>();
        services.AddSingleton<TaskSubmitter>();
        services.AddSingleton<ClientAuth>();
        services.AddSingleton<TaskRuns>();
        services.AddSingleton<ManagementSignatures>();
        services.AddSingleton<ApiKeyRuntime>();
        services.AddSingleton<LlmRuntime>();
        if (options.Redis.Connection.Length > 0)
        {
            var redis = await ConnectionMultiplexer.ConnectAsync(options.Redis.Connection);
            services.AddSingleton<IConnectionMultiplexer>(redis);
            services.AddSingleton<IRateLimiter, RedisRateLimiter>();
        }
        else
        {
            services.AddSingleton<IRateLimiter, MemoryRateLimiter>();
        }
        services.AddCors();
        services.AddOpenApi("v1", openApi => OpenApiDocument.Configure(openApi));

        var app = builder.Build();
        var signals = app.Services.GetRequiredService<TaskSignals>();
        metrics.Gauge("crynux_bridge_waiting_requests", () => signals.Waiters);
        HttpMetricsMiddleware.Use(app, metrics);
        ErrorEnvelopes.Use(app);
        PrivateNetworkAccess.Use(app);
        app.UseCors(cors => cors.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()
            .WithExposedHeaders("Retry-After", "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"));
        StaticPages.Map(app);
        app.MapOpenApi("/openapi.json");
        LlmEndpoints.Map(app);
        OpenRouterEndpoints.Map(app, options);
        ImageEndpoints.Map(app);
        InferenceTaskEndpoints.Map(app);
        RawTaskEndpoints.Map(app);
        ApiKeyEndpoints.Map(app);
        MintedKeyEndpoints.Map(app);
        InfoEndpoints.Map(app);
        OpsEndpoints.Map(app);
        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, BridgeOptions options)
    {
        var level = options.Log.Level.ToLowerInvariant() switch
        {
            "debug" => LogEventLevel.Debug,
            "warn" or "warning" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            _ => LogEventLevel.Information,
        };
        var config = new LoggerConfiguration().MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (options.Log.Output.Length > 0)
        {
            config = config.WriteTo.File(options.Log.Output, formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                fileSizeLimitBytes: options.Log.MaxFileSize * 1024L * 1024L, rollOnFileSizeLimit: true, rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: Math.Max(1, options.Log.MaxFileNum));
        }
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(config.CreateLogger(), dispose: true);
    }
}
