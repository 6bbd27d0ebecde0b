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
    }
}
