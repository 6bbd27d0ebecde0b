namespace Crynux.Bridge.Api;

/// <summary>Thrown inside a handler to answer with a problem; the route's filter renders it in the route's envelope.</summary>
public sealed class ProblemException : Exception
{
    public ProblemException(Problem problem) : base(problem?.Message) => Problem = problem!;

    public ProblemException() : this(new Problem(500, null, "error")) { }

    public ProblemException(string message) : this(new Problem(500, null, message)) { }

    public ProblemException(string message, Exception inner) : base(message, inner) => Problem = new Problem(500, null, message);

    public Problem Problem { get; }
}
