using System.Globalization;
using Crynux.Bridge.Api;
using Crynux.Bridge.Data;
using Crynux.Bridge.Observability;

namespace Crynux.Bridge.Auth;

/// <summary>Bearer API keys on task routes: who is calling, may they use this route, and are they within their rate.</summary>
public sealed class ClientAuth
{
    private readonly ApiKeyStore _keys;
    private readonly IRateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly BridgeMetrics _metrics;

    public ClientAuth(ApiKeyStore keys, IRateLimiter limiter, TimeProvider time, BridgeMetrics metrics)
    {
        _keys = keys;
        _limiter = limiter;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>A null role only checks that the key is valid (reading one's own tasks).</summary>
    public async Task<ApiKeyRow> AuthenticateAsync(HttpContext http, string? role)
    {
        ArgumentNullException.ThrowIfNull(http);
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            throw new ProblemException(Problem.Unauthorized("Missing API key: send the header 'Authorization: Bearer <api_key>'."));
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            throw new ProblemException(Problem.Unauthorized("Invalid Authorization header: expected 'Bearer <api_key>'."));
        }
        var key = await _keys.FindByHashAsync(ApiKeys.Hash(header[7..].Trim()), http.RequestAborted);
        if (key is null)
        {
            throw new ProblemException(Problem.Unauthorized("Incorrect API key provided."));
        }
        if (key.ExpiresAt <= _time.GetUtcNow().ToUnixTimeSeconds())
        {
            throw new ProblemException(Problem.Unauthorized("The API key has expired; ask for a new one.", "expired_api_key"));
        }
        if (role is not null && !Roles.Grants(key.RoleList, role))
        {
            throw new ProblemException(Problem.Forbidden($"The API key does not have the '{role}' role needed here (roles: {(key.Roles.Length == 0 ? "none" : key.Roles)}). " +
                $"The bridge's operator adds it with POST /v1/api_key/<client id or API key>/role, signed by the bridge's account."));
        }
        return key;
    }

    /// <summary>Spends one request of the key's per-minute rate, or answers 429; sets the x-ratelimit-* headers either way.</summary>
    public async Task CheckRateAsync(HttpContext http, ApiKeyRow key)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(key);
        var decision = await _limiter.TryAcquireAsync(key.ClientId, key.RateLimit, http.RequestAborted);
        if (decision.Limit > 0)
        {
            var headers = http.Response.Headers;
            headers["x-ratelimit-limit-requests"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-requests"] = Duration(decision.ResetAfter);
        }
        if (!decision.Allowed)
        {
            _metrics.Count("crynux_bridge_rate_limit_rejections_total", "");
            throw new ProblemException(new Problem(429, null,
                $"Rate limit reached: {decision.Limit} requests per minute. Please try again in {Duration(decision.RetryAfter)}.", "requests", "rate_limit_exceeded")
            {
                RetryAfter = decision.RetryAfter,
            });
        }
    }

    public ValueTask RefundRateAsync(HttpContext http, ApiKeyRow key)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(key);
        return _limiter.RefundAsync(key.ClientId, key.RateLimit, http.RequestAborted);
    }

    public Problem QuotaExceeded(ApiKeyRow key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _metrics.Count("crynux_bridge_quota_rejections_total", "");
        return new Problem(429, null, $"You exceeded your current quota: this API key may create {key.UseLimit} tasks and has used them.",
            "insufficient_quota", "insufficient_quota");
    }

    /// <summary>402: the task's worst case would pass the key's spend limit (nothing was admitted or spent).</summary>
    /// <remarks>Built from the key as authenticated (no database read: a burst of refusals must not take connections).</remarks>
    public Problem SpendLimitExceeded(ApiKeyRow key, long taskGwei)
    {
        ArgumentNullException.ThrowIfNull(key);
        _metrics.Count("crynux_bridge_spend_limit_rejections_total", "");
        return new Problem(402, null,
            $"This API key's spend limit of {SpendLimit.Cnx(key.SpendLimitGwei ?? 0)} CNX would be passed: what its tasks have spent, the most its " +
            $"running tasks can still cost and this task's up to {SpendLimit.Cnx(taskGwei)} CNX (its fee, three times over if the network draws it " +
            "for validation) do not fit. Nothing was charged. The bridge's operator can raise the limit.",
            "insufficient_quota", "spend_limit_exceeded");
    }

    /// <summary>OpenAI's duration format: "1s", "250ms", "1m30s".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
        {
            return ((long)Math.Ceiling(span.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
        }
        var seconds = (long)Math.Ceiling(span.TotalSeconds);
        return seconds >= 60
            ? $"{(seconds / 60).ToString(CultureInfo.InvariantCulture)}m{(seconds % 60).ToString(CultureInfo.InvariantCulture)}s"
            : seconds.ToString(CultureInfo.InvariantCulture) + "s";
    }
}
