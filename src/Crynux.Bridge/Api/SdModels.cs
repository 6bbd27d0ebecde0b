using System.Text.Json.Nodes;
using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Api;

/// <summary>The image models the bridge knows, their network names, and the settings that suit each (docs/api.md §7).</summary>
public sealed record SdModel(string NetworkName, string Family, int Steps, double Cfg, ulong MinVram, int MaxSide, bool Turbo);

public static class SdModels
{
    public const string DefaultModel = "crynux-ai/sdxl-turbo";

    private static readonly SdModel SdxlTurbo = new("crynux-network/sdxl-turbo", "sdxl", 1, 0, 14, 2048, Turbo: true);
    private static readonly SdModel Sd15 = new("crynux-network/stable-diffusion-v1-5", "sd15", 25, 7, 8, 1024, Turbo: false);
    private static readonly SdModel SdxlBase = new("crynux-network/stable-diffusion-xl-base-1.0", "sdxl", 25, 7, 10, 2048, Turbo: false);

    // Upstream moved its model repositories from crynux-ai to crynux-network; both names (and the original ids) are accepted.
    private static readonly Dictionary<string, SdModel> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["crynux-ai/sdxl-turbo"] = SdxlTurbo,
        ["crynux-network/sdxl-turbo"] = SdxlTurbo,
        ["stabilityai/sdxl-turbo"] = SdxlTurbo,
        ["crynux-ai/stable-diffusion-v1-5"] = Sd15,
        ["crynux-network/stable-diffusion-v1-5"] = Sd15,
        ["runwayml/stable-diffusion-v1-5"] = Sd15,
        ["crynux-ai/stable-diffusion-xl-base-1.0"] = SdxlBase,
        ["crynux-network/stable-diffusion-xl-base-1.0"] = SdxlBase,
        ["stabilityai/stable-diffusion-xl-base-1.0"] = SdxlBase,
    };

    public static IEnumerable<string> Names => Known.Keys.Where(k => k.StartsWith("crynux-ai/", StringComparison.Ordinal));

    public static SdModel? Find(string name) => Known.GetValueOrDefault(name);

    public static JsonObject TaskArgs(SdModel model, string prompt, string? negativePrompt, int width, int height, int n, long seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var args = new JsonObject
        {
            ["base_model"] = new JsonObject { ["name"] = model.NetworkName, ["variant"] = "fp16" },
            ["prompt"] = prompt,
            ["task_config"] = new JsonObject
            {
                ["image_width"] = width,
                ["image_height"] = height,
                ["steps"] = model.Steps,
                ["seed"] = seed,
                ["num_images"] = n,
                ["safety_checker"] = false,
                ["cfg"] = model.Cfg,
            },
        };
        if (!string.IsNullOrEmpty(negativePrompt))
        {
            args["negative_prompt"] = negativePrompt;
        }
        if (model.Turbo)
        {
            args["scheduler"] = new JsonObject { ["method"] = "EulerAncestralDiscreteScheduler", ["args"] = new JsonObject { ["timestep_spacing"] = "trailing" } };
        }
        return args;
    }

    public static decimal FeeCnx(SdModel model, TaskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return model == SdxlTurbo ? options.DefaultSdXlTaskFeeCnx : options.DefaultSdTaskFeeCnx;
    }
}
