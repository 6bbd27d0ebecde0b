namespace Crynux.Bridge.Relay;

public sealed class RelayException : Exception
{
    public RelayException(RelayErrorKind kind, int statusCode, string? field, string relayMessage, Exception? inner = null)
        : base(Describe(statusCode, field, relayMessage), inner)
    {
        Kind = kind;
        StatusCode = statusCode;
        Field = field;
        RelayMessage = relayMessage;
    }

    public RelayException() : this(RelayErrorKind.Transient, 0, null, "relay error") { }

    public RelayException(string message) : this(RelayErrorKind.Transient, 0, null, message) { }

    public RelayException(string message, Exception inner) : this(RelayErrorKind.Transient, 0, null, message, inner) { }

    public RelayErrorKind Kind { get; }

    public int StatusCode { get; }

    public string? Field { get; }

    public string RelayMessage { get; }

    /// <summary>The web framework's own plain-text 404 (not a JSON envelope): this Relay does not have the route.</summary>
    public bool RouteMissing => StatusCode == 404 && RelayMessage.Trim() == "404 page not found";

    private static string Describe(int status, string? field, string message) =>
        status == 0 ? $"relay unreachable: {message}" : field is { Length: > 0 } ? $"relay {status}: {field}: {message}" : $"relay {status}: {message}";
}
