namespace Crynux.Devnet.Relay;

/// <summary>Append-only event table. Not thread-safe: written under <see cref="RelayCore"/>'s lock with the status change.</summary>
internal sealed class EventLog
{
    private readonly List<RelayEvent> _events = [];

    public long CurrentId => _events.Count == 0 ? 0 : _events[^1].Id;

    public void Append(string type, string nodeAddress, string commitment, string args) =>
        _events.Add(new RelayEvent(_events.Count + 1, type, nodeAddress, commitment, args));

    /// <summary>Rows with id &gt; <paramref name="start"/> (ids are positions + 1, so the scan starts there).</summary>
    public IEnumerable<RelayEvent> Query(long start, string? type, string? nodeAddress, string? commitment) =>
        _events.Skip((int)Math.Clamp(start, 0, int.MaxValue)).Where(e => (string.IsNullOrEmpty(type) || e.Type == type)
            && (string.IsNullOrEmpty(nodeAddress) || e.NodeAddress == nodeAddress)
            && (string.IsNullOrEmpty(commitment) || e.TaskIdCommitment == commitment));
}
