using System.Security.Cryptography;
using System.Text;

namespace Crynux.Devnet.Media;

/// <summary>
/// Draws the devnet's stand-in for a diffusion output: a two-colour gradient with circles, all derived from
/// sha256(prompt, seed, image index[, salt]). Deterministic, obviously synthetic.
/// </summary>
public static class ImagePainter
{
    public static RgbImage Paint(int width, int height, string prompt, long seed, int index, string salt = "")
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{prompt}\n{seed}\n{index}\n{salt}"));
        var state = BitConverter.ToUInt64(hash, 0) | 1;
        var image = new RgbImage(width, height);
        var (r0, g0, b0) = (hash[8], hash[9], hash[10]);
        var (r1, g1, b1) = (hash[11], hash[12], hash[13]);
        var diagonal = Math.Max(1, width + height - 2);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var t = (double)(x + y) / diagonal;
                image.Set(x, y, Mix(r0, r1, t), Mix(g0, g1, t), Mix(b0, b1, t));
            }
        }
        var circles = 3 + (hash[14] % 6);
        for (var c = 0; c < circles; c++)
        {
            var cx = (int)(Next(ref state) % (ulong)width);
            var cy = (int)(Next(ref state) % (ulong)height);
            var radius = 1 + (int)(Next(ref state) % (ulong)Math.Max(2, Math.Min(width, height) / 3));
            var colour = Next(ref state);
            FillCircle(image, cx, cy, radius, (byte)colour, (byte)(colour >> 8), (byte)(colour >> 16));
        }
        return image;
    }

    private static void FillCircle(RgbImage image, int cx, int cy, int radius, byte r, byte g, byte b)
    {
        for (var y = Math.Max(0, cy - radius); y <= Math.Min(image.Height - 1, cy + radius); y++)
        {
            for (var x = Math.Max(0, cx - radius); x <= Math.Min(image.Width - 1, cx + radius); x++)
            {
                if (((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) <= radius * radius)
                {
                    image.Set(x, y, r, g, b);
                }
            }
        }
    }

    private static byte Mix(byte a, byte b, double t) => (byte)Math.Round(a + ((b - a) * t));

    /// <summary>xorshift64*.</summary>
    private static ulong Next(ref ulong state)
    {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 2685821657736338717UL;
    }
}
