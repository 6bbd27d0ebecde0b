namespace Crynux.Bridge.Configuration;

public sealed class OtelOptions
{
    /// <summary>OTLP collector endpoint for metrics and traces; empty exports nothing over OTLP (/metrics is always served).</summary>
    public string Endpoint { get; set; } = "";
    /// <summary>"grpc" (the endpoint is the collector's address) or "http/protobuf" (the endpoint is the base of /v1/metrics and /v1/traces).</summary>
    public string Protocol { get; set; } = "grpc";
}
