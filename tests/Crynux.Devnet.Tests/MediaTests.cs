using System.Buffers.Binary;
using System.Text;
using Crynux.Devnet.Media;

namespace Crynux.Devnet.Tests;

public class MediaTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Png_has_signature_ihdr_of_the_asked_size_and_round_trips()
    {
        var image = ImagePainter.Paint(33, 17, "prompt", 7, 0);
        var png = PngImage.Encode(image);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal((33, 17), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
        Assert.Equal(image.Pixels, PngImage.Decode(png).Pixels);
        png[30] ^= 1;
        Assert.False(PngImage.TryDecode(png, out _));
    }

    [Fact]
    public void Pictures_are_deterministic_per_prompt_seed_and_index()
    {
        var a = ImagePainter.Paint(64, 64, "fox", 1, 0);
        Assert.Equal(a.Pixels, ImagePainter.Paint(64, 64, "fox", 1, 0).Pixels);
        Assert.NotEqual(a.Pixels, ImagePainter.Paint(64, 64, "fox", 2, 0).Pixels);
        Assert.NotEqual(a.Pixels, ImagePainter.Paint(64, 64, "fox", 1, 1).Pixels);
        Assert.NotEqual(a.Pixels, ImagePainter.Paint(64, 64, "cat", 1, 0).Pixels);
    }

    [Fact]
    public void Perceptual_hash_is_stable_for_the_same_picture_and_far_for_another()
    {
        var a = PerceptualHash.Compute(ImagePainter.Paint(128, 96, "fox", 1, 0));
        Assert.Equal(a, PerceptualHash.Compute(PngImage.Decode(PngImage.Encode(ImagePainter.Paint(128, 96, "fox", 1, 0)))));
        var b = PerceptualHash.Compute(ImagePainter.Paint(128, 96, "fox", 1, 0, salt: "wrong"));
        var distance = System.Numerics.BitOperations.PopCount(BinaryPrimitives.ReadUInt64BigEndian(a) ^ BinaryPrimitives.ReadUInt64BigEndian(b));
        Assert.True(distance >= 10, $"distance {distance}");
    }
}
