namespace Crynux.Bridge.Engine;

/// <summary>
/// Gathers calls of one kind from all tasks into batch requests without a timer: a call finding no request in flight
/// is sent at once (alone, when the engine is quiet); calls arriving while one is in flight wait for it and go together
/// in the next, up to <c>maxItems</c> each (the same group commit as <see cref="AdmissionWriter"/>). A failure of the
/// whole request is every waiting item's failure; item outcomes are the caller's.
/// </summary>
internal sealed class BatchLane<TItem, TResult>(int maxItems, Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> send)
{
    private readonly Lock _gate = new();
    private readonly List<(TItem Item, TaskCompletionSource<TResult> Done)> _waiting = [];
    private bool _sending;

    /// <summary>Requests sent so far (for tests and metrics).</summary>
    public int Requests { get; private set; }

    public Task<TResult> SendAsync(TItem item, CancellationToken ct)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (_gate)
        {
            _waiting.Add((item, done));
            lead = !_sending;
            _sending = true;
        }
        if (lead)
        {
            _ = Task.Run(PumpAsync, CancellationToken.None);
        }
        // A caller that stops waiting leaves its item in the request: the answer is then simply not used.
        return done.Task.WaitAsync(ct);
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Done)> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _sending = false;
                    return;
                }
                batch = _waiting.GetRange(0, Math.Min(maxItems, _waiting.Count));
                _waiting.RemoveRange(0, batch.Count);
                Requests++;
            }
            try
            {
                var results = await send([.. batch.Select(b => b.Item)]);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
#pragma warning disable CA1031 // every waiting call gets the request's failure
            catch (Exception e)
#pragma warning restore CA1031
            {
                batch.ForEach(b => b.Done.TrySetException(e));
            }
        }
    }
}
