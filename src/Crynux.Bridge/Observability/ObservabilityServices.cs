using Crynux.Bridge.Configuration;
using Crynux.Bridge.Observability.Health;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Crynux.Bridge.Observability;

/// <summary>OpenTelemetry metrics (Prometheus scrape, OTLP with otel.endpoint), tracing (OTLP with otel.endpoint) and the readiness checks.</summary>
public static class ObservabilityServices
{
    /// <summary>The tag of the checks /readyz runs.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddBridgeObservability(this IServiceCollection services, BridgeOptions options, BridgeMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        var endpoint = options.Otel.Endpoint;
        var protocol = options.Otel.Protocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("crynux-bridge", serviceInstanceId: options.Engine.InstanceId.Length > 0 ? options.Engine.InstanceId : null))
            .WithMetrics(meters =>
            {
                // Every bridge's meter has the same name; one process may host several (tests), and each exports its own.
                meters.AddMeter(BridgeMetrics.MeterName)
                    .AddView(i => i.Meter.Name == BridgeMetrics.MeterName && !ReferenceEquals(i.Meter, metrics.Meter) ? MetricStreamConfiguration.Drop : null)
                    .AddPrometheusExporter(prometheus =>
                    {
                        // The series exactly as dashboards know them: no unit or _total suffixes added, no scope labels,
                        // no target_info, and a fresh collection per scrape.
                        prometheus.TranslationStrategy = PrometheusAspNetCoreTranslationStrategy.UnderscoreEscapingWithoutSuffixes;
                        prometheus.ScopeInfoEnabled = false;
                        prometheus.TargetInfoEnabled = false;
                        prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                    });
                if (endpoint.Length > 0)
                {
                    meters.AddOtlpExporter(otlp => Configure(otlp, endpoint, protocol, "v1/metrics"));
                }
            });
        if (endpoint.Length > 0)
        {
            otel.WithTracing(traces => traces.AddSource(BridgeTelemetry.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(otlp => Configure(otlp, endpoint, protocol, "v1/traces")));
        }

        var checks = services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<RelayHealthCheck>("relay", tags: [ReadyTag]);
        if (options.Redis.Connection.Length > 0)
        {
            checks.AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag]);
        }
        return services;
    }

    /// <summary>gRPC takes the collector's address; http/protobuf takes one URL per signal.</summary>
    private static void Configure(OtlpExporterOptions otlp, string endpoint, OtlpExportProtocol protocol, string signalPath)
    {
        otlp.Protocol = protocol;
        otlp.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(endpoint.TrimEnd('/') + "/" + signalPath) : new Uri(endpoint);
    }
}
