using System.Collections.Concurrent;

namespace Crynux.Bridge.Api;

/// <summary>
/// One timer for every idle SSE stream: each tick writes a keep-alive comment to the streams that are waiting, so the
/// period holds at tens of thousands of streams without a timer (and its allocation and wake-up) per stream. The timer
/// runs only while some stream is subscribed.
/// </summary>
internal sealed class KeepAliveTicker(TimeProvider time, TimeSpan period)
{
    private static readonly ReadOnlyMemory<byte> Comment = ": keep-alive\n\n"u8.ToArray();

    private readonly ConcurrentDictionary<long, Subscription> _streams = new();
    private readonly Lock _timerGate = new();
    private ITimer? _timer;
    private long _nextId;

    public TimeSpan Period { get; } = period;

    public int Count => _streams.Count;

    /// <summary>
    /// Registers a stream that has flushed its first bytes and now waits. Dispose the subscription before writing to the
    /// stream again: that waits for a keep-alive write in progress, so frames never interleave.
    /// </summary>
    public Subscription Subscribe(Stream body, CancellationToken ct)
    {
        var subscription = new Subscription(this, Interlocked.Increment(ref _nextId), body, ct);
        _streams[subscription.Id] = subscription;
        lock (_timerGate)
        {
            _timer ??= time.CreateTimer(_ => Tick(), null, Period, Period);
        }
        return subscription;
    }

    private void Tick()
    {
        // Enumerating the dictionary itself takes no lock (Values would lock every bucket and copy).
        foreach (var (_, stream) in _streams)
        {
            stream.Beat();
        }
        lock (_timerGate)
        {
            if (_streams.IsEmpty && _timer is not null)
            {
                _timer.Dispose();
                _timer = null;
            }
        }
    }

    private void Remove(long id) => _streams.TryRemove(id, out _);

    /// <summary>One waiting stream.</summary>
    internal sealed class Subscription : IAsyncDisposable
    {
        private readonly KeepAliveTicker _owner;
        private readonly Stream _body;
        private readonly CancellationToken _ct;
        private readonly Lock _gate = new();
        private Task _pending = Task.CompletedTask;
        private bool _closed;

        internal Subscription(KeepAliveTicker owner, long id, Stream body, CancellationToken ct)
        {
            _owner = owner;
            Id = id;
            _body = body;
            _ct = ct;
        }

        internal long Id { get; }

        /// <summary>Writes one comment unless the previous one is still being written (a slow client gets no backlog).</summary>
        internal void Beat()
        {
            lock (_gate)
            {
                if (_closed || !_pending.IsCompleted || _ct.IsCancellationRequested)
                {
                    return;
                }
                _pending = WriteAsync();
            }
        }

        private async Task WriteAsync()
        {
            try
            {
                await _body.WriteAsync(Comment, _ct);
                await _body.FlushAsync(_ct);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The client went away; the request's own code sees that on its next write.
            }
        }

        public async ValueTask DisposeAsync()
        {
            Task pending;
            lock (_gate)
            {
                _closed = true;
                pending = _pending;
            }
            _owner.Remove(Id);
            await pending;
        }
    }
}
