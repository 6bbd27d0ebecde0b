namespace Crynux.Devnet.Relay;

/// <summary>
/// An error the Relay answers with: a 400 validation error (field + message) or a 500 with a bare message
/// (or an empty body, as gin's panic recovery gives).
/// </summary>
public sealed class RelayException : Exception
{
    private RelayException(int statusCode, string? field, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Field = field;
    }

    public RelayException()
        : this(500, null, "")
    {
    }

    public RelayException(string message)
        : this(500, null, message)
    {
    }

    public RelayException(string message, Exception inner)
        : base(message, inner)
    {
        StatusCode = 500;
    }

    public int StatusCode { get; }

    /// <summary>The field of a 400 validation error; null for 500s.</summary>
    public string? Field { get; }

    /// <summary>True for a 500 with an empty body (the Relay's recovered panic).</summary>
    public bool EmptyBody { get; private init; }

    public static RelayException Validation(string field, string message) => new(400, field, message);

    public static RelayException Internal(string message) => new(500, null, message);

    public static RelayException Panic() => new(500, null, "") { EmptyBody = true };
}
