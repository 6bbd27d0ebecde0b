namespace Crynux.Devnet.Media;

/// <summary>
/// A pHash in the style of goimagehash's PerceptionHash: luma, box-resized to 32×32, 2-D DCT-II, the 8×8 lowest
/// frequencies compared with their median, 64 bits big-endian. Not bit-identical to goimagehash (the devnet's nodes and
/// Relay both use this one, so scores stay consistent).
/// </summary>
public static class PerceptualHash
{
    private const int Size = 32;

    public static byte[] Compute(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var pixels = new double[Size, Size];
        for (var v = 0; v < Size; v++)
        {
            int y0 = v * image.Height / Size, y1 = Math.Max(y0 + 1, (v + 1) * image.Height / Size);
            for (var u = 0; u < Size; u++)
            {
                int x0 = u * image.Width / Size, x1 = Math.Max(x0 + 1, (u + 1) * image.Width / Size);
                double sum = 0;
                for (var y = y0; y < y1; y++)
                {
                    for (var x = x0; x < x1; x++)
                    {
                        sum += image.Luma(Math.Min(x, image.Width - 1), Math.Min(y, image.Height - 1));
                    }
                }
                pixels[v, u] = sum / ((y1 - y0) * (x1 - x0));
            }
        }
        var low = new double[64];
        for (var k = 0; k < 8; k++)
        {
            for (var l = 0; l < 8; l++)
            {
                double sum = 0;
                for (var v = 0; v < Size; v++)
                {
                    for (var u = 0; u < Size; u++)
                    {
                        sum += pixels[v, u] * Math.Cos(Math.PI * k * ((2 * v) + 1) / (2 * Size))
                            * Math.Cos(Math.PI * l * ((2 * u) + 1) / (2 * Size));
                    }
                }
                low[(k * 8) + l] = sum;
            }
        }
        var sorted = (double[])low.Clone();
        Array.Sort(sorted);
        var median = (sorted[31] + sorted[32]) / 2;
        ulong bits = 0;
        for (var i = 0; i < 64; i++)
        {
            if (low[i] > median)
            {
                bits |= 1UL << (63 - i);
            }
        }
        var hash = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(hash, bits);
        return hash;
    }
}
