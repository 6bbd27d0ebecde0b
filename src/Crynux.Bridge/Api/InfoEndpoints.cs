using System.Globalization;
using Crynux.Bridge.Data;
using Crynux.Bridge.Pricing;
using Crynux.Bridge.Relay;

namespace Crynux.Bridge.Api;

/// <summary>Base and LoRA image models, network, wallet and task counts (docs/api.md §2.9); the model catalog is <see cref="ModelEndpoints"/>.</summary>
public static class InfoEndpoints
{
    private static readonly object[] BaseModels =
    [
        new { id = 1, name = "Stable Diffusion 1.5", key = "crynux-ai/stable-diffusion-v1-5", description = "Stable Diffusion v1.5", link = "https://huggingface.co/runwayml/stable-diffusion-v1-5", type = "sd_1_5" },
        new { id = 2, name = "SDXL Turbo", key = "crynux-ai/sdxl-turbo", description = "SDXL Turbo: one-step SDXL", link = "https://huggingface.co/stabilityai/sdxl-turbo", type = "sdxl_turbo" },
        new { id = 3, name = "Stable Diffusion XL 1.0", key = "crynux-ai/stable-diffusion-xl-base-1.0", description = "SDXL base 1.0", link = "https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0", type = "sd_xl" },
    ];

    private static readonly (string Type, object Model)[] LoraModels =
    [
        ("sd_1_5", new { id = 1, name = "Korean Doll Likeness", description = "A LoRA for SD 1.5", type = "sd_1_5", display_link = "https://civitai.com/models/26124", download_link = "https://civitai.com/api/download/models/31284" }),
        ("sd_1_5", new { id = 2, name = "Chinese Doll Likeness", description = "A LoRA for SD 1.5", type = "sd_1_5", display_link = "https://civitai.com/models/29479", download_link = "https://civitai.com/api/download/models/36101" }),
        ("sd_1_5", new { id = 3, name = "Japanese Doll Likeness", description = "A LoRA for SD 1.5", type = "sd_1_5", display_link = "https://civitai.com/models/28811", download_link = "https://civitai.com/api/download/models/34562" }),
    ];

    public static void Map(IEndpointRouteBuilder app)
    {
        var native = app.MapGroup("/v1").AddEndpointFilter(NativeErrors.Filter);
        native.MapGet("/models/base", () => Results.Json(new { message = "success", data = BaseModels })).WithTags("Models").WithSummary("Base image models");
        native.MapGet("/models/lora", (string? type) => type is "sd_1_5" or "sd_2_1" or "sd_xl" or "sdxl_turbo"
                ? Results.Json(new { message = "success", data = LoraModels.Where(m => m.Type == type).Select(m => m.Model).ToArray() })
                : throw new ProblemException(Problem.BadRequest("type", "type must be one of sd_1_5, sd_2_1, sd_xl, sdxl_turbo")))
            .WithTags("Models").WithSummary("LoRA models for a base model type");
        native.MapGet("/network/nodes", NodesAsync).WithTags("Network").WithSummary("Nodes on the Crynux Network (from the Relay)");
        native.MapGet("/application/wallet/balance", BalanceAsync).WithTags("Network").WithSummary("The bridge wallet's Relay account balance");
        native.MapGet("/count/task", CountAsync).WithTags("Network").WithSummary("Client tasks of the last N hours, by outcome");
    }

    private static async Task<IResult> NodesAsync(RelayClient relay, CancellationToken ct)
    {
        var numbers = await CallRelayAsync(() => relay.GetNodeNumbersAsync(ct));
        return Results.Json(new
        {
            message = "success",
            data = new
            {
                num_total_nodes = numbers.ActiveNodes,
                num_available_nodes = Math.Max(0, numbers.ActiveNodes - numbers.BusyNodes),
                num_busy_nodes = numbers.BusyNodes,
                num_all_nodes = numbers.AllNodes,
            },
        });
    }

    private static async Task<IResult> BalanceAsync(RelayClient relay, HttpContext http)
    {
        var wei = await CallRelayAsync(() => relay.GetBalanceAsync(http.RequestAborted));
        var digits = wei.ToString(CultureInfo.InvariantCulture);
        // "balance" stays a JSON number as upstream (exact digits, written raw); the strings are for JavaScript clients.
        var json = $"{{\"message\":\"success\",\"data\":{{\"address\":\"{relay.Address}\",\"balance\":{digits},\"balance_wei\":\"{digits}\",\"balance_cnx\":\"{Fees.WeiToCnx(wei)}\"}}}}";
        return Results.Text(json, "application/json");
    }

    private static async Task<IResult> CountAsync(string? duration, TaskStore store, TimeProvider time, CancellationToken ct)
    {
        var hours = 0.0;
        if (duration is not null && (!double.TryParse(duration, NumberStyles.Float, CultureInfo.InvariantCulture, out hours) || !double.IsFinite(hours) || hours < 0 || hours > 24 * 366))
        {
            throw new ProblemException(Problem.BadRequest("duration", "duration must be a number of hours between 0 and 8784"));
        }
        var since = time.GetUtcNow().AddHours(-hours).ToUnixTimeMilliseconds();
        var counts = await store.CountAsync(since, ct);
        return Results.Json(new
        {
            message = "success",
            data = new
            {
                total_task_count = (long)counts.Total,
                success_task_count = (long)counts.Success,
                aborted_task_count = (long)counts.Failed,
                unfinished_task_count = (long)counts.Running,
                avg_task_time = counts.Success > 0 ? (double)(counts.SuccessMs / counts.Success) / 1000 : 0,
            },
        });
    }

    /// <summary>A Relay that cannot answer is a 502/503 for the caller, never a 500.</summary>
    public static async Task<T> CallRelayAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (RelayException e)
        {
            throw new ProblemException(new Problem(e.Kind == RelayErrorKind.Transient ? 503 : 502, null, "The Relay did not answer: " + e.Message, "server_error", "relay_unavailable"));
        }
    }
}
