using System.Globalization;
using System.Numerics;

namespace Crynux.Devnet;

/// <summary>The standalone process's flags (documented in README.md).</summary>
internal static class CommandLine
{
    public const string Usage = """
        Crynux devnet: a local Crynux Relay with simulated GPU nodes.

        Usage: Crynux.Devnet [flags]          (--help prints this)

          --port N                  TCP port; 0 = ephemeral (default 0)
          --listen IP               address to listen on (default 127.0.0.1)
          --protocol 2025|2026      Relay generation (default 2026). 2026 adds GET …/results (whole task, SD as ZIP),
                                    the batch endpoints, the base-model check, /v2/loaded-models,
                                    /v2/models/{sd,llm}/execution-time and /v2/tasks/queued/priority, and drops
                                    GET …/results/{index}
          --nodes N                 simulated nodes (default 4)
          --gpu-name NAME           node GPU "<model>+<platform>" (default NVIDIA GeForce RTX 4090+Linux)
          --gpu-vram GB             VRAM of one card (default 24)
          --gpu-count N             cards per node; 2+ reports "<N>x <model>[ TP]+<platform>" and summed VRAM (default 1)
          --no-tensor-parallel      multi-card nodes opt out of TP (no " TP" in the name)
          --node-version X.Y.Z      node version (default 3.1.0)
          --models a,b,...          on-disk model ids (base:org/name); * = every model
          --min-delay-ms N          node execution time, lower bound (default 0)
          --max-delay-ms N          node execution time, upper bound (default 0)
          --error-rate P            probability a node reports task_error (default 0)
          --finetune-rounds N       SD fine-tune: the round whose checkpoint says FINISH (default 1)
          --matching-interval-ms N  matching period; 0 = match at once (default 2000)
          --timeout-check-ms N      deadline processor period (default 2000)
          --queue-timeout-s N       queued deadline (default 21600)
          --validation-timeout-s N  ScoreReady/ErrorReported deadline (default 600)
          --upload-timeout-s N      Validated/GroupValidated deadline (default 600)
          --min-exec-timeout-s N    execution timeout clamp, lower (default 60)
          --max-exec-timeout-s N    execution timeout clamp, upper (default 7200)
          --distance-threshold N    SD group pHash threshold (default 10)
          --dao-percent N           DAO share of paid fees (default 0)
          --signature-window-s N    accepted timestamp skew (default 60)
          --batch-create-max N      2026 batch create item limit (default 100)
          --batch-status-max N      2026 batch status item limit (default 500)
          --batch-validate-max N    2026 batch validate item limit (default 100)
          --batch-abort-max N       2026 batch abort item limit (default 100)
          --result-max-bytes N      2026 whole-task result size limit (default 1073741824)
          --priority-snapshot-s N   2026 queue-priority snapshot period (default 300)
          --hub-models a,b,...      2026 base-model check: models the hub knows (org/name[+variant]; * = all)
          --hub-unavailable         2026 base-model check: the hub is down (creates get a temporary error)
          --fail-rate P             probability a client request fails with --fail-status (default 0)
          --fail-status N           status of injected failures (default 503)
          --latency-ms N            wall-clock latency before each client request (default 0)
          --seed N                  seed of node choice and node faults (default 1)
          --fund 0xADDR=WEI         credit an account before the first request (repeatable)
          --log                     ASP.NET Core console logging

        Admin API under /devnet (stats, fund, nodes, behaviour, faults, hub, ...): see src/Crynux.Devnet/README.md.
        """;

    public static DevnetOptions Parse(string[] args)
    {
        var options = new DevnetOptions { EnableLogging = false };
        int nodes = 4;
        var node = new NodeOptions();
        var behaviour = new NodeBehaviour();
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{flag} needs a value.");
            switch (flag)
            {
                case "--port": options.Port = Int(Value(), flag); break;
                case "--listen": options.ListenAddress = Value(); break;
                case "--nodes": nodes = Int(Value(), flag); break;
                case "--gpu-name": node.GpuName = Value(); break;
                case "--gpu-vram": node.GpuVram = (ulong)Int(Value(), flag); break;
                case "--node-version": node.Version = Value(); break;
                case "--models":
                    node.Models.Clear();
                    foreach (var model in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        node.Models.Add(model);
                    }
                    break;
                case "--min-delay-ms": behaviour = behaviour with { MinExecutionDelay = Ms(Value(), flag) }; break;
                case "--max-delay-ms": behaviour = behaviour with { MaxExecutionDelay = Ms(Value(), flag) }; break;
                case "--error-rate": behaviour = behaviour with { ErrorRate = Double(Value(), flag) }; break;
                case "--finetune-rounds": behaviour = behaviour with { FinetuneRounds = Int(Value(), flag) }; break;
                case "--matching-interval-ms": options.MatchingInterval = Ms(Value(), flag); break;
                case "--timeout-check-ms": options.TimeoutCheckInterval = Ms(Value(), flag); break;
                case "--queue-timeout-s": options.QueueTimeout = TimeSpan.FromSeconds(Int(Value(), flag)); break;
                case "--validation-timeout-s": options.AppValidationTimeout = TimeSpan.FromSeconds(Int(Value(), flag)); break;
                case "--upload-timeout-s": options.ResultUploadTimeout = TimeSpan.FromSeconds(Int(Value(), flag)); break;
                case "--min-exec-timeout-s": options.MinExecutionTimeoutSeconds = Int(Value(), flag); break;
                case "--max-exec-timeout-s": options.MaxExecutionTimeoutSeconds = Int(Value(), flag); break;
                case "--distance-threshold": options.DistanceThreshold = Int(Value(), flag); break;
                case "--dao-percent": options.DaoFeeSharePercent = Int(Value(), flag); break;
                case "--signature-window-s": options.SignatureWindowSeconds = Int(Value(), flag); break;
                case "--seed": options.RandomSeed = Int(Value(), flag); break;
                case "--fail-rate": options.Faults = options.Faults with { FailureRate = Double(Value(), flag) }; break;
                case "--fail-status": options.Faults = options.Faults with { FailureStatusCode = Int(Value(), flag) }; break;
                case "--latency-ms": options.Faults = options.Faults with { AddedLatency = Ms(Value(), flag) }; break;
                case "--log": options.EnableLogging = true; break;
                case "--protocol": options.Protocol = Int(Value(), flag); break;
                case "--batch-create-max": options.BatchCreateMaxItems = Int(Value(), flag); break;
                case "--batch-status-max": options.BatchStatusMaxItems = Int(Value(), flag); break;
                case "--batch-validate-max": options.BatchValidateMaxItems = Int(Value(), flag); break;
                case "--batch-abort-max": options.BatchAbortMaxItems = Int(Value(), flag); break;
                case "--result-max-bytes":
                    options.ResultMaxUncompressedBytes = long.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var max)
                        ? max
                        : throw new FormatException($"{flag} takes a whole number.");
                    break;
                case "--priority-snapshot-s": options.QueuedPrioritySnapshotInterval = TimeSpan.FromSeconds(Int(Value(), flag)); break;
                case "--hub-models":
                    options.Hub.Models.Clear();
                    foreach (var model in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        options.Hub.Models.Add(model);
                    }
                    break;
                case "--hub-unavailable": options.Hub.ForcedStatus = 503; break;
                case "--gpu-count": node.GpuCount = Int(Value(), flag); break;
                case "--no-tensor-parallel": node.TensorParallel = false; break;
                case "--fund":
                    var parts = Value().Split('=', 2);
                    if (parts.Length != 2 || !Crypto.EthAddress.IsValid(parts[0])
                        || !BigInteger.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var wei))
                    {
                        throw new FormatException("--fund takes 0xADDRESS=WEI.");
                    }
                    options.Funds[parts[0]] = options.Funds.TryGetValue(parts[0], out var earlier) ? earlier + wei : wei;
                    break;
                default:
                    throw new FormatException($"Unknown flag {flag}.");
            }
        }
        if (behaviour.MaxExecutionDelay < behaviour.MinExecutionDelay)
        {
            behaviour = behaviour with { MaxExecutionDelay = behaviour.MinExecutionDelay };
        }
        options.DefaultNodeBehaviour = behaviour;
        options.Nodes.Clear();
        for (var n = 0; n < nodes; n++)
        {
            options.Nodes.Add(new NodeOptions
            {
                GpuName = node.GpuName,
                GpuVram = node.GpuVram,
                GpuCount = node.GpuCount,
                TensorParallel = node.TensorParallel,
                Version = node.Version,
                Models = [.. node.Models],
            });
        }
        return options;
    }

    private static int Int(string text, string flag) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{flag} takes a whole number.");

    private static double Double(string text, string flag) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new FormatException($"{flag} takes a number.");

    private static TimeSpan Ms(string text, string flag) => TimeSpan.FromMilliseconds(Int(text, flag));
}
