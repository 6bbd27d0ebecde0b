using Crynux.Bridge.Relay;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crynux.Bridge.Observability.Health;

/// <summary>Ready when the Relay answers a clock sync (an unsigned, cheap call every instance makes anyway).</summary>
internal sealed class RelayHealthCheck(RelayClient relay) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await relay.SyncClockAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (RelayException e)
        {
            return HealthCheckResult.Unhealthy(e.Message, e);
        }
    }
}
