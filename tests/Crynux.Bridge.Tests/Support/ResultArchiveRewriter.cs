using System.IO.Compression;
using System.Net.Http.Headers;

namespace Crynux.Bridge.Tests.Support;

/// <summary>
/// A Relay handler that rewrites the first <paramref name="times"/> whole-result ZIPs (<c>GET …/results</c> answered with
/// application/zip) with <paramref name="rewrite"/>, and records every whole-result download and the original images.
/// </summary>
public sealed class ResultArchiveRewriter(Action<ZipArchive, IReadOnlyList<byte[]>> rewrite, int times = 1) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _left = times;
    private int _downloads;

    public int Rewritten { get; private set; }

    public int WholeDownloads => _downloads;

    /// <summary>The images the Relay really sent, by index (the last untouched archive).</summary>
    public IReadOnlyList<byte[]> Originals { get; private set; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.SendAsync(request, cancellationToken);
        if (!request.RequestUri!.AbsolutePath.EndsWith("/results", StringComparison.Ordinal) || response.Content.Headers.ContentType?.MediaType != "application/zip")
        {
            return response;
        }
        Interlocked.Increment(ref _downloads);
        var original = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var images = new List<byte[]>();
        using (var zip = new ZipArchive(new MemoryStream(original), ZipArchiveMode.Read))
        {
            foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, cancellationToken);
                images.Add(copy.ToArray());
            }
        }
        Originals = images;
        byte[] body = original;
        if (Interlocked.Decrement(ref _left) >= 0)
        {
            using var output = new MemoryStream();
            using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            {
                rewrite(zip, images);
            }
            body = output.ToArray();
            Rewritten++;
        }
        var replaced = new ByteArrayContent(body);
        replaced.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        response.Content = replaced;
        return response;
    }

    /// <summary>Adds an entry holding <paramref name="bytes"/> under <paramref name="name"/>.</summary>
    public static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(zip);
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        stream.Write(bytes);
    }
}
