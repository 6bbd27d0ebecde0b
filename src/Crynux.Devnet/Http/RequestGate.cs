using System.Text.Json.Nodes;

namespace Crynux.Devnet.Http;

/// <summary>Middleware: counts Relay requests per route and injects fault rules, latency and 5xx into client requests.</summary>
internal static class RequestGate
{
    /// <summary>Header the simulated nodes send, so their traffic is counted apart and never faulted.</summary>
    public const string NodeHeader = "X-Devnet-Node";

    public static void Use(IApplicationBuilder app, RequestCounters counters, FaultState faults, FaultRules rules) => app.Use(async (ctx, next) =>
    {
        if (ctx.Request.Path.StartsWithSegments("/devnet"))
        {
            await next(ctx);
            return;
        }
        var route = (ctx.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } raw && raw != GinNotFound.Pattern ? raw : "(unmatched)";
        var fromNode = ctx.Request.Headers.ContainsKey(NodeHeader);
        counters.Count($"{ctx.Request.Method} {route}", fromNode);
        if (!fromNode && rules.Take(FaultRoutes.Classify(ctx.Request.Method, ctx.Request.Path)) is { } rule)
        {
            if (rule.Kind != FaultKind.Delay)
            {
                counters.CountFault();
            }
            await FaultResponses.ApplyAsync(ctx, next, rule);
            return;
        }
        if (!fromNode)
        {
            var (latency, failStatus) = faults.Next();
            if (latency > TimeSpan.Zero)
            {
                // Wall-clock on purpose: this imitates network latency, not Relay time.
                await Task.Delay(latency, ctx.RequestAborted);
            }
            if (failStatus is { } status)
            {
                counters.CountFault();
                await RelayResponses.Write(status, new JsonObject { ["message"] = "devnet injected fault" }).ExecuteAsync(ctx);
                return;
            }
        }
        await next(ctx);
    });
}
