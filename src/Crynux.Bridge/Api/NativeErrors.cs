namespace Crynux.Bridge.Api;

/// <summary>Endpoint filters that render <see cref="ProblemException"/> in a route family's envelope.</summary>
public static class NativeErrors
{
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (ProblemException e)
        {
            return e.Problem.ToNative();
        }
    }

    public static async ValueTask<object?> OpenAiFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (ProblemException e)
        {
            return e.Problem.ToOpenAi();
        }
    }
}
