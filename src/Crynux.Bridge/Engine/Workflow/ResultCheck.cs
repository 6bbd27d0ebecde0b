using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Crynux.Crypto;

namespace Crynux.Bridge.Engine.Workflow;

/// <summary>
/// Checks a downloaded result before it counts: an LLM result must hash (sha256) to the score the Relay holds (the
/// Relay recomputes that score from the uploaded file), and an image must be a complete PNG of the requested size.
/// </summary>
public static class ResultCheck
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Null when the LLM result matches the score; otherwise why not.</summary>
    public static string? Llm(ReadOnlySpan<byte> result, string score)
    {
        if (score.Length == 0)
        {
            return "the Relay's score is not known";
        }
        var hash = Hex.Encode(SHA256.HashData(result), prefix: false);
        return string.Equals(hash, score.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? score[2..] : score, StringComparison.OrdinalIgnoreCase)
            ? null
            : "the result's sha256 differs from the Relay's score";
    }

    /// <summary>
    /// Null when <paramref name="png"/> is a complete PNG (every chunk whole with a good CRC, IEND present, the image data
    /// inflating to exactly its rows) of <paramref name="width"/>×<paramref name="height"/> (either 0: any size).
    /// </summary>
    public static string? Png(ReadOnlySpan<byte> png, int width, int height)
    {
        if (png.Length < 8 || !png[..8].SequenceEqual(PngSignature))
        {
            return "not a PNG";
        }
        var pos = 8;
        int w = 0, h = 0, bitDepth = 0, colorType = 0, interlace = 0;
        var sawHeader = false;
        using var idat = new MemoryStream();
        while (true)
        {
            if (pos + 12 > png.Length)
            {
                return "the PNG is cut short";
            }
            var length = BinaryPrimitives.ReadInt32BigEndian(png[pos..]);
            if (length < 0 || pos + 12L + length > png.Length)
            {
                return "the PNG is cut short";
            }
            var type = png.Slice(pos + 4, 4);
            var data = png.Slice(pos + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + length)..]);
            if (Crc32(png.Slice(pos + 4, 4 + length)) != crc)
            {
                return "a PNG chunk has a bad CRC";
            }
            pos += 12 + length;
            if (type.SequenceEqual("IHDR"u8))
            {
                if (length != 13)
                {
                    return "the PNG header is malformed";
                }
                w = BinaryPrimitives.ReadInt32BigEndian(data);
                h = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                bitDepth = data[8];
                colorType = data[9];
                interlace = data[12];
                sawHeader = true;
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(data);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }
        }
        if (!sawHeader || w <= 0 || h <= 0)
        {
            return "the PNG has no header";
        }
        if ((width > 0 && w != width) || (height > 0 && h != height))
        {
            return $"the image is {w}x{h}, not the {width}x{height} asked for";
        }
        var channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (channels == 0 || bitDepth is not (1 or 2 or 4 or 8 or 16))
        {
            return "the PNG's colour type is not valid";
        }
        if (interlace != 0)
        {
            return null; // Adam7 rows are not counted here; the chunks and CRCs were whole.
        }
        var rowBytes = 1 + (((long)w * channels * bitDepth) + 7) / 8;
        var expected = rowBytes * h;
        return InflatedLength(idat.ToArray(), expected + 1) == expected ? null : "the PNG's image data is incomplete";
    }

    /// <summary>Width and height asked for in SD task arguments (task_config.image_width/height), 0 when absent.</summary>
    public static (int Width, int Height) RequestedSize(string taskArgs)
    {
        try
        {
            using var doc = JsonDocument.Parse(taskArgs);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("task_config", out var config) && config.ValueKind == JsonValueKind.Object)
            {
                static int Read(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : 0;
                return (Read(config, "image_width"), Read(config, "image_height"));
            }
        }
        catch (JsonException)
        {
            // Not ours to judge here: the Relay accepted the arguments.
        }
        return (0, 0);
    }

    private static long InflatedLength(byte[] compressed, long limit)
    {
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while (total < limit && (read = zlib.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
            }
            return total;
        }
        catch (InvalidDataException)
        {
            return -1;
        }
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
