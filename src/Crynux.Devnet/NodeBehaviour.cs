namespace Crynux.Devnet;

/// <summary>How a simulated node behaves on each task. Rates are probabilities in [0, 1].</summary>
public sealed record NodeBehaviour
{
    /// <summary>Probability of reporting task_error instead of a score.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Execution time is drawn uniformly from [Min, Max].</summary>
    public TimeSpan MinExecutionDelay { get; init; }

    public TimeSpan MaxExecutionDelay { get; init; }

    /// <summary>Take the task and never submit a score or error (hits the execution timeout).</summary>
    public bool NeverFinish { get; init; }

    /// <summary>Submit a score but never upload results (hits the result-upload timeout).</summary>
    public bool NeverUpload { get; init; }

    /// <summary>Produce results that differ from honest nodes' (for EndInvalidated / IncorrectResult in groups).</summary>
    public bool WrongResults { get; init; }

    /// <summary>
    /// SD fine-tune: the round whose checkpoint carries a <c>FINISH</c> entry. A task without an input checkpoint is
    /// round 1; a task continuing a node's checkpoint is that checkpoint's round + 1. 1 = every task finishes.
    /// </summary>
    public int FinetuneRounds { get; init; } = 1;

    public void Validate()
    {
        if (ErrorRate is < 0 or > 1)
        {
            throw new ArgumentException("ErrorRate must be 0..1.");
        }
        if (MinExecutionDelay < TimeSpan.Zero || MaxExecutionDelay < MinExecutionDelay)
        {
            throw new ArgumentException("Execution delays need 0 <= min <= max.");
        }
        if (FinetuneRounds < 1)
        {
            throw new ArgumentException("FinetuneRounds must be at least 1.");
        }
    }
}
