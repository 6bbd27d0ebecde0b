namespace Crynux.Bridge.Relay;

public enum RelayErrorKind
{
    /// <summary>400: the Relay refused the request; sending it again will not help.</summary>
    Rejected,
    /// <summary>400 "Task not found".</summary>
    NotFound,
    /// <summary>500 with a message: the Relay's own checks (validate's "illegal task state" and the like).</summary>
    ServerError,
    /// <summary>Network failure, timeout, 502/503/504, 429, or an unreadable answer: worth trying again later.</summary>
    Transient,
}
