using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Crynux.Crypto;
using Crynux.Devnet.Media;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Nodes;

/// <summary>Turns a task's arguments into the node's outputs and score (PNG + pHash for SD, JSON + sha256 for LLM).</summary>
internal static class TaskWorker
{
    public static NodeOutput Run(TaskType type, JsonObject args, string salt) => type switch
    {
        TaskType.Llm => Llm(args, salt),
        TaskType.StableDiffusion => StableDiffusion(args, salt),
        _ => Finetune(args, salt),
    };

    private static NodeOutput Llm(JsonObject args, string salt)
    {
        var json = LlmResponder.Respond(args, salt);
        return new NodeOutput([json], ".json", Hex.Encode(SHA256.HashData(json)), null);
    }

    private static NodeOutput StableDiffusion(JsonObject args, string salt)
    {
        var config = args["task_config"] as JsonObject;
        var width = Int(config?["image_width"]) ?? 512;
        var height = Int(config?["image_height"]) ?? 512;
        var count = Int(config?["num_images"]) ?? 6;
        var seed = Int(config?["seed"]) ?? 0;
        var prompt = args["prompt"]?.GetValue<string>() ?? "";
        return Images(count, width, height, prompt, seed, salt, null);
    }

    /// <summary>Fine-tune: validation images from the model name plus a small zip standing in for the LoRA checkpoint.</summary>
    private static NodeOutput Finetune(JsonObject args, string salt)
    {
        var name = (args["model"] as JsonObject)?["name"]?.GetValue<string>() ?? "model";
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = archive.CreateEntry("pytorch_lora_weights.safetensors");
            using var stream = entry.Open();
            stream.Write(SHA256.HashData(Encoding.UTF8.GetBytes(args.ToJsonString() + salt)));
        }
        return Images(1, 64, 64, name, 0, salt, zip.ToArray());
    }

    private static NodeOutput Images(int count, int width, int height, string prompt, long seed, string salt, byte[]? checkpoint)
    {
        var files = new List<byte[]>();
        var score = new byte[count * 8];
        for (var i = 0; i < count; i++)
        {
            var image = ImagePainter.Paint(width, height, prompt, seed, i, salt);
            files.Add(PngImage.Encode(image));
            PerceptualHash.Compute(image).CopyTo(score.AsSpan(i * 8));
        }
        return new NodeOutput(files, ".png", Hex.Encode(score), checkpoint);
    }

    private static int? Int(JsonNode? node) => Relay.JsonNumbers.Int(node);
}
