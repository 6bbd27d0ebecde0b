using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Crynux.Crypto;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Nodes;

/// <summary>
/// One simulated GPU node. The Relay tells it (in-process, like a node watching the event stream) when it was given a
/// task or its task was validated; everything else goes over HTTP with signed requests, as a real node does.
/// </summary>
internal sealed class SimulatedNode
{
    private readonly NodeRelayClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly ConcurrentDictionary<string, NodeOutput> _outputs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly Lock _gate = new();
    private readonly Random _random;
    private NodeBehaviour? _behaviour;

    public SimulatedNode(int index, EthKey key, NodeOptions options, NodeRelayClient client, NodeBehaviourSource defaults, int seed,
        TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        Index = index;
        Address = key.Address;
        Options = options;
        _client = client;
        _time = time;
        _logger = logger;
        _stopping = stopping;
        _random = new Random(seed);
        _behaviour = options.Behaviour;
        Defaults = defaults;
    }

    public string Address { get; }

    /// <summary>Join order (configuration order for the configured nodes).</summary>
    public int Index { get; }

    public NodeOptions Options { get; }

    private NodeBehaviourSource Defaults { get; }

    /// <summary>This node's own behaviour, or null to follow the devnet default.</summary>
    public NodeBehaviour? Behaviour
    {
        get { lock (_gate) { return _behaviour; } }
        set { lock (_gate) { _behaviour = value; } }
    }

    /// <summary>Failed Relay calls (an honest node hitting an error is worth seeing in stats).</summary>
    public int FailedCalls => _failedCalls;

    private int _failedCalls;

    public IEnumerable<Task> Running => _running.Keys;

    public void OnNotice(NodeNotice notice)
    {
        switch (notice.Status)
        {
            case RelayTaskStatus.Started:
                Track(ExecuteAsync(notice.Commitment));
                break;
            case RelayTaskStatus.Validated or RelayTaskStatus.GroupValidated:
                Track(UploadAsync(notice.Commitment));
                break;
            default:
                if (notice.Status.IsTerminal())
                {
                    _outputs.TryRemove(notice.Commitment, out _);
                }
                break;
        }
    }

    private void Track(Task work)
    {
        _running[work] = true;
        work.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task ExecuteAsync(string commitment)
    {
        await Task.Yield();
        var behaviour = Behaviour ?? Defaults.Current;
        double roll, delayFraction;
        lock (_gate)
        {
            roll = _random.NextDouble();
            delayFraction = _random.NextDouble();
        }
        try
        {
            var task = await _client.GetTaskAsync(commitment, _stopping);
            var delay = behaviour.MinExecutionDelay + ((behaviour.MaxExecutionDelay - behaviour.MinExecutionDelay) * delayFraction);
            // Execution is measured from the Relay's start_time, so the finish moment does not depend on when this ran.
            var startTime = DateTimeOffset.Parse(task["start_time"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            var remaining = startTime + delay - _time.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, _time, _stopping);
            }
            if (behaviour.NeverFinish)
            {
                return;
            }
            if (roll < behaviour.ErrorRate)
            {
                await _client.ReportErrorAsync(commitment, 1, _stopping);
                return;
            }
            var args = JsonNode.Parse(task["task_args"]!.GetValue<string>()) as JsonObject ?? [];
            var type = (TaskType)task["task_type"]!.GetValue<int>();
            // A fine-tune task continuing a checkpoint: the node fetches it from the Relay, as a real node does.
            var input = type == TaskType.StableDiffusionFinetuneLora && args["checkpoint"] is JsonValue
                ? await _client.GetInputCheckpointAsync(commitment, _stopping)
                : null;
            var output = TaskWorker.Run(type, args, behaviour.WrongResults ? "wrong:" + Address : "", input, behaviour.FinetuneRounds);
            _outputs[commitment] = output;
            await _client.SubmitScoreAsync(commitment, output.Score, _stopping);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            Fail(commitment, "execute", e);
        }
    }

    private async Task UploadAsync(string commitment)
    {
        await Task.Yield();
        var behaviour = Behaviour ?? Defaults.Current;
        if (behaviour.NeverUpload || !_outputs.TryGetValue(commitment, out var output))
        {
            return;
        }
        try
        {
            await _client.UploadAsync(commitment, output, _stopping);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            Fail(commitment, "upload", e);
        }
    }

    private void Fail(string commitment, string step, Exception e)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        Interlocked.Increment(ref _failedCalls);
        _logger.LogWarning("Node {Node} failed to {Step} task {Commitment}: {Error}", Address, step, commitment, e.Message);
    }
}
