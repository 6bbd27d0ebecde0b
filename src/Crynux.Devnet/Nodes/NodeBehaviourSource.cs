namespace Crynux.Devnet.Nodes;

/// <summary>The devnet-wide default node behaviour, changeable at run time.</summary>
internal sealed class NodeBehaviourSource(NodeBehaviour initial)
{
    private NodeBehaviour _current = initial;

    public NodeBehaviour Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }
}
