using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Crynux.Bridge.Observability.Health;

/// <summary>Ready when Redis answers a PING (registered only with redis.connection set).</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(e.Message, e);
        }
    }
}
