using System.Data.Common;

namespace Crynux.Bridge.Api;

/// <summary>Endpoint filters that render <see cref="ProblemException"/> in a route family's envelope.</summary>
public static class NativeErrors
{
    public static ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next) => Render(context, next, openAi: false);

    public static ValueTask<object?> OpenAiFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next) => Render(context, next, openAi: true);

    private static async ValueTask<object?> Render(EndpointFilterInvocationContext context, EndpointFilterDelegate next, bool openAi)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (ProblemException e)
        {
            return openAi ? e.Problem.ToOpenAi() : e.Problem.ToNative();
        }
        catch (DbException e) when (!context.HttpContext.Response.HasStarted)
        {
            // A database outage is the bridge's dependency failing, not the client's mistake: say so, and when to retry.
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NativeErrors)).LogError(e, "database error");
            var problem = new Problem(503, null, "The bridge could not use its database: " + e.Message + " Please try again shortly.",
                "server_error", "database_unavailable")
            { RetryAfter = TimeSpan.FromSeconds(2) };
            return openAi ? problem.ToOpenAi() : problem.ToNative();
        }
    }
}
