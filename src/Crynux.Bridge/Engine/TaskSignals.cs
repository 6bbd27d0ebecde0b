using System.Collections.Concurrent;

namespace Crynux.Bridge.Engine;

/// <summary>
/// Wakes the HTTP requests waiting for a client task the moment the engine finishes it: no thread and no polling per
/// waiting request, so thousands can wait at once.
/// </summary>
public sealed class TaskSignals
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();
    private int _waiters;

    public int Waiters => Volatile.Read(ref _waiters);

    /// <summary>A task that completes when <see cref="Signal"/> is called for this client task (register before checking the state).</summary>
    public Task Register(long clientTaskId) =>
        _waiting.GetOrAdd(clientTaskId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Signal(long clientTaskId)
    {
        if (_waiting.TryRemove(clientTaskId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    internal void Enter() => Interlocked.Increment(ref _waiters);

    internal void Leave() => Interlocked.Decrement(ref _waiters);
}
