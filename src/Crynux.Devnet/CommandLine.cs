using System.Globalization;
using System.Numerics;

namespace Crynux.Devnet;

/// <summary>The standalone process's flags (documented in README.md).</summary>
internal static class CommandLine
{
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
            options.Nodes.Add(new NodeOptions { GpuName = node.GpuName, GpuVram = node.GpuVram, Version = node.Version, Models = [.. node.Models] });
        }
        return options;
    }

    private static int Int(string text, string flag) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{flag} takes a whole number.");

    private static double Double(string text, string flag) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new FormatException($"{flag} takes a number.");

    private static TimeSpan Ms(string text, string flag) => TimeSpan.FromMilliseconds(Int(text, flag));
}
