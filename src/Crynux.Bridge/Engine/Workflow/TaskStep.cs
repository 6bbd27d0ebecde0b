using Crynux.Bridge.Data;

namespace Crynux.Bridge.Engine.Workflow;

/// <summary>One next step of a client task: what, on which Relay task(s), and (for Wait) until when.</summary>
public sealed record TaskStep(StepKind Kind, InferenceTaskRow? Member = null, IReadOnlyList<InferenceTaskRow>? Group = null, long? Until = null)
{
    public override string ToString() => Member is null ? Kind.ToString() : $"{Kind} #{Member.Id}";
}
