using System.Text.Json.Nodes;
using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Models;

public static class SdModels
{
    public const string DefaultModel = "crynux-ai/sdxl-turbo";

    private static readonly SdModel SdxlTurbo = new("crynux-network/sdxl-turbo", "sdxl", 1, 0, 14, 2048, Turbo: true);
    private static readonly SdModel Sd15 = new("crynux-network/stable-diffusion-v1-5", "sd15", 25, 7, 8, 1024, Turbo: false);
    private static readonly SdModel SdxlBase = new("crynux-network/stable-diffusion-xl-base-1.0", "sdxl", 25, 7, 10, 2048, Turbo: false);

    /// <summary>min_vram (GB) of a passed-through image model the catalog does not know (upstream's default).</summary>
    public const ulong DefaultMinVram = 10;

    // Upstream moved its model repositories from crynux-ai to crynux-network; both names (and the original ids, with
    // upstream's misspelt "ruwnayml" alias) name the fp16 weights of the network's copies.
    private static readonly Dictionary<string, SdModel> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["crynux-ai/sdxl-turbo"] = SdxlTurbo,
        ["crynux-network/sdxl-turbo"] = SdxlTurbo,
        ["stabilityai/sdxl-turbo"] = SdxlTurbo,
        ["crynux-ai/stable-diffusion-v1-5"] = Sd15,
        ["crynux-network/stable-diffusion-v1-5"] = Sd15,
        ["runwayml/stable-diffusion-v1-5"] = Sd15,
        ["ruwnayml/stable-diffusion-v1-5"] = Sd15,
        ["crynux-ai/stable-diffusion-xl-base-1.0"] = SdxlBase,
        ["crynux-network/stable-diffusion-xl-base-1.0"] = SdxlBase,
        ["stabilityai/stable-diffusion-xl-base-1.0"] = SdxlBase,
    };

    /// <summary>Every alias with the model it names (for the catalog).</summary>
    public static IEnumerable<(string Name, SdModel Model)> Aliases => Known.Select(k => (k.Key, k.Value));

    /// <summary>The aliased model, or null when the name is not one of the aliases.</summary>
    public static SdModel? Find(string name) => Known.GetValueOrDefault(name);

    /// <summary>
    /// An alias's model, or any other model id passed through unchanged with its default weights, 25 steps and cfg 7;
    /// its min_vram is <paramref name="minVram"/> (from the catalog) or <see cref="DefaultMinVram"/>.
    /// </summary>
    public static SdModel Resolve(string name, ulong? minVram) =>
        Find(name) ?? new SdModel(name, "sd", 25, 7, minVram ?? DefaultMinVram, 2048, Turbo: false, Variant: null);

    public static JsonObject TaskArgs(SdModel model, string prompt, string? negativePrompt, int width, int height, int n, long seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var args = new JsonObject
        {
            ["base_model"] = model.Variant is null
                ? new JsonObject { ["name"] = model.NetworkName }
                : new JsonObject { ["name"] = model.NetworkName, ["variant"] = model.Variant },
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
