using System.Globalization;
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
    public static NodeOutput Run(TaskType type, JsonObject args, string salt, byte[]? inputCheckpoint = null, int finetuneRounds = 1) => type switch
    {
        TaskType.Llm => Llm(args, salt),
        TaskType.StableDiffusion => StableDiffusion(args, salt),
        _ => Finetune(args, salt, inputCheckpoint, finetuneRounds),
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

    /// <summary>
    /// Fine-tune: validation images from the model name plus a small zip standing in for the LoRA checkpoint. The zip
    /// holds the weights, a <c>round</c> entry (the input checkpoint's round + 1, or 1), and an empty <c>FINISH</c> entry
    /// once the round reaches <paramref name="rounds"/>, as a real node marks a training run that is done.
    /// </summary>
    private static NodeOutput Finetune(JsonObject args, string salt, byte[]? input, int rounds)
    {
        var name = (args["model"] as JsonObject)?["name"]?.GetValue<string>() ?? "model";
        var round = InputRound(input) + 1;
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            var weights = archive.CreateEntry("pytorch_lora_weights.safetensors");
            using (var stream = weights.Open())
            {
                stream.Write(SHA256.HashData(Encoding.UTF8.GetBytes(args.ToJsonString() + salt + round.ToString(CultureInfo.InvariantCulture))));
            }
            using (var stream = archive.CreateEntry("round").Open())
            {
                stream.Write(Encoding.ASCII.GetBytes(round.ToString(CultureInfo.InvariantCulture)));
            }
            if (round >= rounds)
            {
                archive.CreateEntry("FINISH").Open().Dispose();
            }
        }
        return Images(1, 64, 64, name, 0, salt, zip.ToArray());
    }

    /// <summary>The round of a checkpoint this devnet's nodes wrote; 0 for none (or a checkpoint from elsewhere).</summary>
    private static int InputRound(byte[]? checkpoint)
    {
        if (checkpoint is null)
        {
            return 0;
        }
        try
        {
            using var archive = new ZipArchive(new MemoryStream(checkpoint), ZipArchiveMode.Read);
            if (archive.GetEntry("round") is not { Length: < 16 } entry)
            {
                return 0;
            }
            using var reader = new StreamReader(entry.Open(), Encoding.ASCII);
            return int.TryParse(reader.ReadToEnd(), NumberStyles.None, CultureInfo.InvariantCulture, out var round) ? round : 0;
        }
        catch (InvalidDataException)
        {
            return 0;
        }
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
