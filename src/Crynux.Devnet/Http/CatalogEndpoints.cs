using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;
using Crynux.Devnet.TaskArgs;

namespace Crynux.Devnet.Http;

/// <summary>The 2026 public v2 views: loaded models, execution-time coefficients and the queue-priority snapshot.</summary>
internal static class CatalogEndpoints
{
    private static readonly BigInteger WeiPerGwei = BigInteger.Pow(10, 9);

    public static void Map(IEndpointRouteBuilder app, RelayCore relay)
    {
        app.MapGet("/v2/loaded-models", () => RelayResponses.Success(new JsonArray([.. relay.LoadedModels().Select(m => (JsonNode)new JsonObject
        {
            ["model_id"] = m.ModelId,
            ["model_type"] = m.ModelType,
            ["min_vram"] = m.MinVram,
            ["in_memory_node_count"] = m.InMemoryNodeCount,
            ["on_disk_node_count"] = m.OnDiskNodeCount,
        })])));
        app.MapGet("/v2/models/sd/execution-time", RelayResponses.Route(ctx =>
        {
            CheckExecutionTimeQuery(ctx.Request);
            return RelayResponses.Success(new JsonObject
            {
                ["overhead_seconds"] = TaskEstimate.SdOverheadSeconds,
                ["seconds_per_sd_pixel_step"] = TaskEstimate.SdSecondsPerPixelStep,
            });
        }));
        app.MapGet("/v2/models/llm/execution-time", RelayResponses.Route(ctx =>
        {
            CheckExecutionTimeQuery(ctx.Request);
            return RelayResponses.Success(new JsonObject
            {
                ["constant_seconds"] = TaskEstimate.LlmConstantSeconds,
                ["seconds_per_input_token"] = TaskEstimate.LlmSecondsPerInputToken,
                ["seconds_per_output_token"] = TaskEstimate.LlmSecondsPerOutputToken,
                // The devnet's estimate has no model-switch or image terms.
                ["model_switch_seconds"] = 0,
                ["seconds_per_image"] = 0,
                ["seconds_per_megapixel"] = 0,
            });
        }));
        app.MapGet("/v2/tasks/queued/priority", () =>
        {
            var snapshot = relay.PrioritySnapshot;
            return RelayResponses.Success(new JsonObject
            {
                ["as_of"] = snapshot.AsOf.ToUnixTimeSeconds(),
                ["queued_task_count"] = snapshot.Count,
                ["highest_priority_gwei"] = Gwei(snapshot.Highest),
                ["median_priority_gwei"] = Gwei(snapshot.Median),
                ["lowest_priority_gwei"] = Gwei(snapshot.Lowest),
            });
        });
    }

    private static string? Gwei(BigInteger? wei) => wei is { } w ? (w / WeiPerGwei).ToString(CultureInfo.InvariantCulture) : null;

    /// <summary>The query rules of both execution-time routes, in the Relay's order: binding, then each check.</summary>
    private static void CheckExecutionTimeQuery(HttpRequest request)
    {
        var fields = RequestFields.FromQuery(request);
        var quantizeBits = fields.Int64("quantize_bits");
        var minVram = fields.Int64("min_vram");
        var gpuVram = fields.Int64("gpu_vram");
        var hasMinVram = fields.Has("min_vram");
        var hasGpuName = request.Query["gpu_name"].ToString().Trim().Length > 0;
        var hasGpuVram = fields.Has("gpu_vram");
        if (request.Query["model"].ToString().Trim().Length == 0)
        {
            throw RelayException.Validation("model", "required");
        }
        if (quantizeBits < 0)
        {
            throw RelayException.Validation("quantize_bits", "must be unsigned");
        }
        if (hasMinVram && (hasGpuName || hasGpuVram))
        {
            throw RelayException.Validation("min_vram", "must not be combined with gpu_name or gpu_vram");
        }
        if (hasMinVram && minVram <= 0)
        {
            throw RelayException.Validation("min_vram", "must be a positive integer");
        }
        if (hasGpuName != hasGpuVram)
        {
            throw RelayException.Validation(hasGpuName ? "gpu_vram" : "gpu_name", "gpu_name and gpu_vram must be provided together");
        }
        if (!hasMinVram && !hasGpuName)
        {
            throw RelayException.Validation("min_vram", "required");
        }
        if (hasGpuVram && gpuVram <= 0)
        {
            throw RelayException.Validation("gpu_vram", "must be a positive integer");
        }
    }
}
