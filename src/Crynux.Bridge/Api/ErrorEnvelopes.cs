namespace Crynux.Bridge.Api;

/// <summary>
/// Gives the answers that no handler writes their route family's envelope: routing's 404, 405 and 415, the framework's
/// binding 400s, a request body the server could not read, and an unexpected exception (500, logged once).
/// </summary>
public static class ErrorEnvelopes
{
    public static void Use(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorEnvelopes));
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                // A malformed or cut request body: the client's error, answered without an unhandled-exception log.
                logger.LogDebug(e, "unreadable request");
                await WriteAsync(context, new Problem(e.StatusCode is >= 400 and < 500 ? e.StatusCode : 400, null, "The request could not be read: " + e.Message));
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nobody is left to answer.
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                logger.LogError(e, "unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
                context.Response.Clear();
                await WriteAsync(context, new Problem(500, null, "The bridge failed to answer this request; it has been logged.", "server_error", "internal_error"));
            }
        });
        app.UseStatusCodePages(context => RouteFamily.IsPage(context.HttpContext.Request.Path)
            ? Task.CompletedTask
            : WriteAsync(context.HttpContext, ForStatus(context.HttpContext)));
    }

    private static Problem ForStatus(HttpContext http)
    {
        var request = http.Request;
        var status = http.Response.StatusCode;
        return status switch
        {
            404 => new Problem(404, null, $"No route {request.Method} {request.Path}; see /openapi.json.", "invalid_request_error", "not_found"),
            405 => new Problem(405, null, $"{request.Method} is not allowed on {request.Path}; allowed: {http.Response.Headers.Allow}.", "invalid_request_error", "method_not_allowed"),
            415 => new Problem(415, null, $"Content-Type '{request.ContentType}' is not accepted here; send application/json.", "invalid_request_error", "unsupported_media_type"),
            >= 500 => new Problem(status, null, "The bridge could not answer this request.", "server_error"),
            _ => new Problem(status, null, $"The request was not accepted ({status}).", "invalid_request_error"),
        };
    }

    private static Task WriteAsync(HttpContext http, Problem problem) =>
        (RouteFamily.IsOpenAi(http.Request.Path) ? problem.ToOpenAi() : problem.ToNative()).ExecuteAsync(http);
}
