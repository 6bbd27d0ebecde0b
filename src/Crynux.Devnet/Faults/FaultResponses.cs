using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Crynux.Devnet;

/// <summary>Applies a matched <see cref="FaultRule"/> to one request: the broken answers a real network path produces.</summary>
internal static class FaultResponses
{
    /// <summary>Starts like a JSON envelope, then is not JSON.</summary>
    private static readonly byte[] Garbage = Encoding.ASCII.GetBytes("{\"message\":\"success\",\"data\":\u0001\u0002 <devnet garbage> ]]");

    public static async Task ApplyAsync(HttpContext ctx, RequestDelegate next, FaultRule rule)
    {
        if (rule.Kind == FaultKind.Delay)
        {
            // Wall clock on purpose: it imitates a slow network, which the client's own timeouts measure in real time.
            await Task.Delay(rule.DelayMs, ctx.RequestAborted);
            await next(ctx);
            return;
        }
        // Truncate needs the real answer, so it always runs after handling.
        byte[]? handled = null;
        if (rule.Timing == FaultTiming.AfterHandling || rule.Kind == FaultKind.Truncate)
        {
            handled = await RunBufferedAsync(ctx, next);
        }
        switch (rule.Kind)
        {
            case FaultKind.Reset:
                ctx.Abort();
                return;
            case FaultKind.Truncate:
                ctx.Response.ContentLength = handled!.Length;
                await ctx.Response.Body.WriteAsync(handled.AsMemory(0, handled.Length / 2), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                // No Abort(): a reset could drop the half already written. Kestrel closes the connection itself
                // after a body shorter than its Content-Length, so the client sees the half, then the end.
                return;
        }
        ctx.Response.Clear();
        var (status, contentType, body) = rule.Kind switch
        {
            FaultKind.Status => (rule.StatusCode, "text/html", NginxPage(rule.StatusCode)),
            FaultKind.Html => (rule.StatusCode, "text/html", Encoding.UTF8.GetBytes(
                "<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><h1>It works!</h1><p>This page is not the Relay.</p></body></html>\n")),
            _ => (200, "application/json", Garbage),
        };
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    /// <summary>Runs the Relay's handler with its answer captured in memory (nothing reaches the client yet).</summary>
    private static async Task<byte[]> RunBufferedAsync(HttpContext ctx, RequestDelegate next)
    {
        var original = ctx.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        var capture = new StreamResponseBodyFeature(buffer);
        ctx.Features.Set<IHttpResponseBodyFeature>(capture);
        try
        {
            await next(ctx);
            await capture.CompleteAsync();
        }
        finally
        {
            ctx.Features.Set(original);
        }
        return buffer.ToArray();
    }

    private static byte[] NginxPage(int status)
    {
        var title = $"{status} {ReasonPhrases.GetReasonPhrase(status)}".TrimEnd();
        return Encoding.ASCII.GetBytes(
            $"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
    }
}
