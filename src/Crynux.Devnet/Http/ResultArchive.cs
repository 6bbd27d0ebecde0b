using System.Globalization;
using System.IO.Compression;

namespace Crynux.Devnet.Http;

/// <summary>
/// The whole-task SD result: a ZIP of 0.png…n-1.png in order, Deflate entries with trailing data descriptors, as a
/// streaming Go archive/zip writer makes them (the archive is written to a forward-only stream to get the same layout).
/// </summary>
internal static class ResultArchive
{
    public static byte[] Build(IReadOnlyList<byte[]> pngs)
    {
        using var buffer = new MemoryStream();
        using (var forwardOnly = new ForwardOnlyStream(buffer))
        using (var zip = new ZipArchive(forwardOnly, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < pngs.Count; i++)
            {
                var entry = zip.CreateEntry(i.ToString(CultureInfo.InvariantCulture) + ".png", CompressionLevel.Optimal);
                using var stream = entry.Open();
                stream.Write(pngs[i]);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A write-only, non-seekable view of a stream: ZipArchive then writes sizes and CRCs after each entry.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _written;
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            _written += count;
        }
    }
}
