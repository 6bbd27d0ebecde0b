namespace Crynux.Devnet;

/// <summary>What a <see cref="FaultRule"/> does to a matching Relay request.</summary>
public enum FaultKind
{
    /// <summary>Answer <see cref="FaultRule.StatusCode"/> with an nginx-style HTML error page.</summary>
    Status,

    /// <summary>Answer <see cref="FaultRule.StatusCode"/> (200 unless set) with an HTML page that is not JSON.</summary>
    Html,

    /// <summary>200, application/json, bytes that are not JSON.</summary>
    Garbage,

    /// <summary>Abort the connection without an answer.</summary>
    Reset,

    /// <summary>The real answer's headers with its full Content-Length, half of the body, then abort.</summary>
    Truncate,

    /// <summary>Hold the request <see cref="FaultRule.DelayMs"/> (wall clock), then handle it normally.</summary>
    Delay,
}
