namespace Crynux.Bridge.Api;

/// <summary>The headers every server-sent-event answer of the bridge starts with.</summary>
internal static class EventStream
{
    /// <summary>200 text/event-stream, never cached, and not buffered by a reverse proxy (nginx honours X-Accel-Buffering).</summary>
    public static void Open(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }
}
