using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Crynux.Bridge.Engine;

/// <summary>
/// Client task ids that need a pass of the driver. An id is queued at most once, and never driven by two workers at once;
/// a request that arrives while it is being driven makes it run once more afterwards.
/// </summary>
public sealed class WorkSet
{
    private const int Idle = 0;
    private const int Queued = 1;
    private const int Running = 2;
    private const int RunningDirty = 3;

    private readonly Channel<long> _channel = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<long, int> _state = new();

    public int Count => _state.Count;

    public void Enqueue(long id)
    {
        while (true)
        {
            if (_state.TryAdd(id, Queued))
            {
                _channel.Writer.TryWrite(id);
                return;
            }
            if (!_state.TryGetValue(id, out var state))
            {
                continue;
            }
            if (state is Queued or RunningDirty || _state.TryUpdate(id, RunningDirty, Running))
            {
                return;
            }
        }
    }

    public ValueTask<long> DequeueAsync(CancellationToken ct) => _channel.Reader.ReadAsync(ct);

    /// <summary>Marks the id as being driven; call <see cref="Done"/> after.</summary>
    public void Start(long id) => _state[id] = Running;

    public void Done(long id)
    {
        if (_state.TryUpdate(id, Queued, RunningDirty))
        {
            _channel.Writer.TryWrite(id);
            return;
        }
        _state.TryRemove(id, out _);
    }
}
