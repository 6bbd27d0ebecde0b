namespace Crynux.Devnet;

/// <summary>One simulated GPU node.</summary>
public sealed class NodeOptions
{
    /// <summary>"&lt;gpu model&gt;+&lt;platform&gt;", as real nodes report it.</summary>
    public string GpuName { get; set; } = "NVIDIA GeForce RTX 4090+Linux";

    /// <summary>GB of one card; the node reports <see cref="GpuCount"/> × this (see <see cref="ReportedGpuVram"/>).</summary>
    public ulong GpuVram { get; set; } = 24;

    /// <summary>Cards of the same model in the node's GPU group; 2 or more gives an "&lt;N&gt;x &lt;model&gt;" name.</summary>
    public int GpuCount { get; set; } = 1;

    /// <summary>
    /// The node's LLM executor is tensor parallel (the node's default): with 2 or more cards on a Linux or docker
    /// platform the name gets " TP" ("2x NVIDIA GeForce RTX 4090 TP+Linux"). False = opted out.
    /// </summary>
    public bool TensorParallel { get; set; } = true;

    /// <summary>The gpu_name the node reports to the Relay: "[&lt;N&gt;x ]&lt;model&gt;[ TP]+&lt;platform&gt;".</summary>
    public string ReportedGpuName
    {
        get
        {
            if (GpuCount < 2)
            {
                return GpuName;
            }
            var plus = GpuName.LastIndexOf('+');
            var (model, platform) = plus < 0 ? (GpuName, null) : (GpuName[..plus], GpuName[(plus + 1)..]);
            var tp = TensorParallel && platform is "Linux" or "docker" ? " TP" : "";
            return $"{GpuCount}x {model}{tp}" + (platform is null ? "" : "+" + platform);
        }
    }

    /// <summary>The gpu_vram the node reports: the group's summed VRAM.</summary>
    public ulong ReportedGpuVram => GpuVram * (ulong)Math.Max(1, GpuCount);

    /// <summary>Runner version "X.Y.Z".</summary>
    public string Version { get; set; } = "3.1.0";

    /// <summary>On-disk model ids ("base:org/name", any case). "*" = every model.</summary>
    public IList<string> Models { get; init; } = [.. DefaultModels];

    /// <summary>Hex private key; a deterministic key per node index when null.</summary>
    public string? PrivateKeyHex { get; set; }

    /// <summary>Overrides <see cref="DevnetOptions.DefaultNodeBehaviour"/> for this node.</summary>
    public NodeBehaviour? Behaviour { get; set; }

    public static IReadOnlyList<string> DefaultModels { get; } =
    [
        "base:crynux-network/sdxl-turbo", "base:crynux-network/stable-diffusion-v1-5",
        "base:crynux-network/stable-diffusion-xl-base-1.0", "base:crynux-ai/sdxl-turbo",
        "base:crynux-ai/stable-diffusion-v1-5", "base:crynux-ai/stable-diffusion-xl-base-1.0",
        "base:runwayml/stable-diffusion-v1-5", "base:stabilityai/sdxl-turbo",
        "base:qwen/qwen2.5-7b", "base:qwen/qwen2.5-7b-instruct", "base:qwen/qwen3-8b",
        "base:meta-llama/llama-3.1-8b-instruct", "base:meta-llama/meta-llama-3.1-8b-instruct",
        "base:nousresearch/hermes-2-pro-llama-3-8b",
    ];
}
