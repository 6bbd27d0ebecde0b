using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Crynux.Devnet.Media;

/// <summary>
/// A minimal PNG codec: writes 8-bit RGB (filter 0, one IDAT), reads 8-bit gray/RGB/RGBA non-interlaced PNGs with any
/// row filter (enough for what the devnet's nodes upload and tests check).
/// </summary>
public static class PngImage
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var output = new MemoryStream();
        output.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), image.Height);
        header[8] = 8;
        header[9] = 2;
        WriteChunk(output, "IHDR", header);
        using (var raw = new MemoryStream())
        {
            using (var zlib = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
            {
                var stride = image.Width * 3;
                for (var y = 0; y < image.Height; y++)
                {
                    zlib.WriteByte(0);
                    zlib.Write(image.Pixels, y * stride, stride);
                }
            }
            WriteChunk(output, "IDAT", raw.ToArray());
        }
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    public static bool TryDecode(ReadOnlySpan<byte> png, out RgbImage image)
    {
        image = null!;
        try
        {
            image = Decode(png);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>Decodes a PNG; throws <see cref="InvalidDataException"/> for anything malformed or unsupported.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < 8 || !png[..8].SequenceEqual(Signature))
        {
            throw new InvalidDataException("not a PNG signature");
        }
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        var offset = 8;
        while (true)
        {
            if (offset + 12 > png.Length)
            {
                throw new InvalidDataException("truncated chunk");
            }
            var length = BinaryPrimitives.ReadInt32BigEndian(png[offset..]);
            if (length < 0 || offset + 12 + length > png.Length)
            {
                throw new InvalidDataException("bad chunk length");
            }
            var typeAndData = png.Slice(offset + 4, 4 + length);
            if (Crc32.Compute(typeAndData) != BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + length)..]))
            {
                throw new InvalidDataException("chunk CRC mismatch");
            }
            var type = Encoding.ASCII.GetString(typeAndData[..4]);
            var data = typeAndData[4..];
            offset += 12 + length;
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                channels = data[9] switch { 0 => 1, 2 => 3, 6 => 4, _ => 0 };
                if (data[8] != 8 || channels == 0 || data[12] != 0 || width <= 0 || height <= 0)
                {
                    throw new InvalidDataException("unsupported PNG format");
                }
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            else if (type == "IEND")
            {
                break;
            }
        }
        if (channels == 0)
        {
            throw new InvalidDataException("missing IHDR");
        }
        return Unfilter(Inflate(idat.ToArray()), width, height, channels);
    }

    private static byte[] Inflate(byte[] compressed)
    {
        using var input = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static RgbImage Unfilter(byte[] raw, int width, int height, int channels)
    {
        var stride = width * channels;
        if (raw.Length < (long)(stride + 1) * height)
        {
            throw new InvalidDataException("image data too short");
        }
        var previous = new byte[stride];
        var current = new byte[stride];
        var image = new RgbImage(width, height);
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            Array.Copy(raw, (y * (stride + 1)) + 1, current, 0, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                current[i] = (byte)(current[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException("bad row filter"),
                });
            }
            for (var x = 0; x < width; x++)
            {
                var p = x * channels;
                if (channels == 1)
                {
                    image.Set(x, y, current[p], current[p], current[p]);
                }
                else
                {
                    image.Set(x, y, current[p], current[p + 1], current[p + 2]);
                }
            }
            (previous, current) = (current, previous);
        }
        return image;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(typeBytes), data));
        output.Write(word);
    }
}
