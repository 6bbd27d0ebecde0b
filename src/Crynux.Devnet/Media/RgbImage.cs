namespace Crynux.Devnet.Media;

/// <summary>An 8-bit RGB raster, row-major, 3 bytes per pixel.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Pixels = new byte[checked(width * height * 3)];
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>R, G, B of each pixel, rows top to bottom.</summary>
    public byte[] Pixels { get; }

    public void Set(int x, int y, byte r, byte g, byte b)
    {
        var i = ((y * Width) + x) * 3;
        Pixels[i] = r;
        Pixels[i + 1] = g;
        Pixels[i + 2] = b;
    }

    /// <summary>ITU-R 601 luma of one pixel.</summary>
    public double Luma(int x, int y)
    {
        var i = ((y * Width) + x) * 3;
        return (0.299 * Pixels[i]) + (0.587 * Pixels[i + 1]) + (0.114 * Pixels[i + 2]);
    }
}
