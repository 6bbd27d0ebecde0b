using Crynux.Bridge.Api;
using Crynux.Bridge.Api.Admin;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Engine.Services;
using Crynux.Bridge.Engine.Workflow;
using Crynux.Bridge.Llm;
using Crynux.Bridge.Models;
using Crynux.Bridge.Observability;
using Crynux.Bridge.Pricing;
using Crynux.Bridge.Relay;
using Crynux.Crypto;
using StackExchange.Redis;

namespace Crynux.Bridge;

/// <summary>The composition root: every service of the bridge, and every route.</summary>
public static class BridgeComposition
{
    /// <param name="builder">The web application builder.</param>
    /// <param name="options">Validated options.</param>
    /// <param name="wallet">The application wallet.</param>
    /// <param name="time">The clock (tests inject one).</param>
    /// <param name="relayHandler">An HTTP handler for Relay calls (tests and benchmarks may wrap it).</param>
    public static WebApplicationBuilder AddBridge(this WebApplicationBuilder builder, BridgeOptions options, EthKey wallet, TimeProvider? time = null,
        HttpMessageHandler? relayHandler = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(wallet);
        time ??= TimeProvider.System;
        DapperConventions.Apply();
        var db = Database.FromOptions(options.Db, Path.GetDirectoryName(Path.GetFullPath(options.DataDir.InferenceTasks)) ?? "data");
        var metrics = new BridgeMetrics();
        var instanceId = options.Engine.InstanceId.Length > 0 ? options.Engine.InstanceId : Environment.MachineName;

        var services = builder.Services;
        // First hosted service: the schema is migrated before any other service starts and before Kestrel listens.
        services.AddHostedService(_ => new DatabaseMigration(db));
        services.AddSingleton(options);
        services.AddSingleton(wallet);
        services.AddSingleton(time);
        services.AddSingleton(db);
        services.AddSingleton(metrics);
        services.AddBridgeObservability(options, metrics);
        services.AddSingleton(new EngineIdentity(instanceId));
        services.AddSingleton(new ResultFiles(options.DataDir.InferenceTasks));
        services.AddSingleton<TaskStore>();
        services.AddSingleton<FineTuneStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<KeyUsageStore>();
        services.AddSingleton<RelayClock>();
        services.AddSingleton(sp => new RelayClient(
            new HttpClient(relayHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 256 }, disposeHandler: relayHandler is null)
            {
                BaseAddress = new Uri(options.Relay.BaseUrl.TrimEnd('/') + "/"),
                Timeout = TimeSpan.FromSeconds(options.Relay.TimeoutSeconds),
            },
            wallet, sp.GetRequiredService<RelayClock>(), time, metrics, options.Relay));
        AddEngine(services, options);
        services.AddSingleton<ClientAuth>();
        services.AddSingleton<FeeQuotes>();
        services.AddHostedService<FeeQuoteRefresher>();
        services.AddSingleton<TaskRuns>();
        services.AddSingleton<ManagementSignatures>();
        services.AddSingleton<ApiKeyRuntime>();
        services.AddSingleton(new ModelPolicy(options.Models));
        services.AddSingleton<ModelCatalog>();
        services.AddHostedService<ModelCatalogService>();
        services.AddSingleton<LlmRuntime>();
        services.AddSingleton<ResponsesRuntime>();
        services.AddHostedService<ResponseRecoveryService>();
        services.AddSingleton<TraceReads>();
        services.AddSingleton<ConsoleStats>();
        services.AddSingleton<ConsoleSessions>();
        services.AddSingleton<LlmRequestLog>();
        if (options.Redis.Connection.Length > 0)
        {
            // Connected on first use, not at start: a Redis outage at start-up does not keep the bridge down.
            services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                var config = ConfigurationOptions.Parse(options.Redis.Connection);
                config.AbortOnConnectFail = false;
                return ConnectionMultiplexer.Connect(config);
            });
            services.AddSingleton<IRateLimiter, RedisRateLimiter>();
        }
        else
        {
            services.AddSingleton<IRateLimiter, MemoryRateLimiter>();
        }
        services.AddCors();
        services.AddOpenApi("v1", openApi =>
        {
            OpenApiDocument.Configure(openApi);
            OpenApiFees.Configure(openApi);
        });
        return builder;
    }

    private static void AddEngine(IServiceCollection services, BridgeOptions options)
    {
        services.AddSingleton<TaskSignals>();
        services.AddSingleton<OpenTasks>();
        services.AddSingleton<WorkSet>();
        services.AddSingleton(new RelayQueueGate(options.Engine.RelayQueueLimit));
        services.AddSingleton(sp => new TaskPacer(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EngineScheduler>();
        services.AddSingleton<IEngineScheduler>(sp => sp.GetRequiredService<EngineScheduler>());
        services.AddSingleton<TaskExecutor>();
        services.AddSingleton<AdmissionWriter>();
        services.AddSingleton<TaskSubmitter>();
        services.AddSingleton<EventLoopService>();
        services.AddHostedService(sp => sp.GetRequiredService<AdmissionWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<EventLoopService>());
        services.AddHostedService<LeaseService>();
        services.AddHostedService<EngineWorkers>();
        services.AddHostedService<SweepService>();
        services.AddHostedService<RetentionService>();
    }

    /// <summary>Maps every route of the bridge: pages, OpenAPI, the OpenAI-compatible and native APIs, operations.</summary>
    public static WebApplication MapBridgeApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.Services.GetRequiredService<BridgeMetrics>();
        var signals = app.Services.GetRequiredService<TaskSignals>();
        var open = app.Services.GetRequiredService<OpenTasks>();
        var gate = app.Services.GetRequiredService<RelayQueueGate>();
        // Gauges are registered here, once, rather than in the constructors of what they read.
        metrics.Gauge("crynux_bridge_waiting_requests", () => signals.Waiters);
        metrics.Gauge("crynux_bridge_open_tasks", () => open.ClientTaskCount);
        metrics.Gauge("crynux_bridge_relay_queued_tasks", () => gate.Queued);
        metrics.Gauge("crynux_bridge_relay_queue_waiting", () => gate.Waiting);
        HttpMetricsMiddleware.Use(app, metrics);
        ErrorEnvelopes.Use(app);
        PrivateNetworkAccess.Use(app);
        app.UseCors(cors => cors.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()
            .WithExposedHeaders("Retry-After", "x-crynux-task-fee", "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"));
        StaticPages.Map(app);
        app.MapOpenApi("/openapi.json");
        LlmEndpoints.Map(app);
        OpenRouterEndpoints.Map(app, app.Services.GetRequiredService<BridgeOptions>());
        ResponsesEndpoints.Map(app);
        ImageEndpoints.Map(app);
        FineTuneEndpoints.Map(app);
        InferenceTaskEndpoints.Map(app);
        RawTaskEndpoints.Map(app);
        ApiKeyEndpoints.Map(app);
        MintedKeyEndpoints.Map(app);
        KeyAdminEndpoints.Map(app);
        KeyControlEndpoints.Map(app);
        InfoEndpoints.Map(app);
        ModelEndpoints.Map(app);
        OpsEndpoints.Map(app);
        TaskTraceEndpoints.Map(app);
        ConsoleEndpoints.Map(app);
        return app;
    }
}
