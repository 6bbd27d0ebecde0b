using System.Data.Common;
using System.Threading.Channels;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Engine;

/// <summary>
/// Group commit for admissions: the requests that arrive while one transaction is being written go into the next one
/// together, so a burst of N admissions costs a few commits (fsyncs) instead of N, and a lone request waits for nothing.
/// A request's answer comes only after its rows are committed.
/// </summary>
/// <remarks>Hosted: its writer loop runs as a hosted service and drains what was queued when the host stops.</remarks>
public sealed class AdmissionWriter : BackgroundService
{
    // Large enough to amortise a commit, small enough that one transaction never holds the write lock for long.
    private const int MaxBatch = 128;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskStore _store;
    private readonly ILogger<AdmissionWriter> _log;

    public AdmissionWriter(TaskStore store, ILogger<AdmissionWriter> log)
    {
        _store = store;
        _log = log;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Writes the admission, unless its API key cannot cover it (then nothing was written, and the answer says why).</summary>
    public Task<KeyReservation> WriteAsync(NewClientTask admission, CancellationToken ct)
    {
        var pending = new Pending(admission, ct);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(AdmissionWriter), "the bridge is shutting down");
        }
        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                // A client that gave up before its turn gets nothing written.
                if (next.Cancellation.IsCancellationRequested)
                {
                    next.Done.TrySetCanceled(next.Cancellation);
                }
                else
                {
                    batch.Add(next);
                }
            }
            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch);
            }
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            var admitted = await _store.InsertAsync(batch.Select(p => p.Admission).ToList(), CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(admitted[i]);
            }
            return;
        }
        catch (Exception e) when (batch.Count > 1 && e is DbException)
        {
            // One bad row (a duplicate Idempotency-Key) must not fail its neighbours: write them one by one.
            _log.LogDebug(e, "admission batch of {Count} failed; writing its admissions one at a time", batch.Count);
        }
        catch (Exception e)
        {
            batch.ForEach(p => p.Done.TrySetException(e));
            return;
        }
        foreach (var pending in batch)
        {
            try
            {
                pending.Done.TrySetResult((await _store.InsertAsync([pending.Admission], CancellationToken.None))[0]);
            }
            catch (Exception e)
            {
                pending.Done.TrySetException(e);
            }
        }
    }

    /// <summary>Stops taking admissions; those already queued are written before the loop ends.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private sealed class Pending(NewClientTask admission, CancellationToken cancellation)
    {
        public NewClientTask Admission { get; } = admission;
        public CancellationToken Cancellation { get; } = cancellation;
        public TaskCompletionSource<KeyReservation> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
