using System.Text;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Engine.Workflow;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Crynux.Bridge.Api;

/// <summary>
/// Reads a multipart fine-tune request as it arrives: text fields into a dictionary, the one optional <c>checkpoint</c>
/// file part streamed to the results folder under a generated name (never into memory), cut off past the configured size
/// (413), and checked to be a sound ZIP. Any refusal deletes what was written.
/// </summary>
public sealed class FineTuneUpload : IDisposable
{
    private const int MaxFieldBytes = 64 * 1024;
    private const int MaxFields = 100;

    private FineTuneUpload(Dictionary<string, string> fields, string? name, string? path)
    {
        Fields = fields;
        CheckpointName = name;
        _path = path;
    }

    private string? _path;

    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The stored checkpoint's name relative to the results folder (see FineTuneCheckpoints), or null.</summary>
    public string? CheckpointName { get; }

    /// <summary>The job was admitted with this checkpoint: keep the file.</summary>
    public void Keep() => _path = null;

    /// <summary>Deletes the stored file unless <see cref="Keep"/> was called.</summary>
    public void Dispose()
    {
        if (_path is not null)
        {
            File.Delete(_path);
            _path = null;
        }
    }

    public static async Task<FineTuneUpload> ReadAsync(HttpRequest request, ResultFiles files, long maxCheckpointBytes)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(files);
        var ct = request.HttpContext.RequestAborted;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // The file itself is bounded below (413 naming it); the slack covers the text fields and part headers.
            limit.MaxRequestBodySize = maxCheckpointBytes + (MaxFields * MaxFieldBytes) + (1 << 20);
        }
        var boundary = MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ? HeaderUtilities.RemoveQuotes(type.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new ProblemException(Problem.BadRequest(null, "A multipart/form-data body needs a boundary."));
        }
        var reader = new MultipartReader(boundary, request.Body);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        string? path = null;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) || StringSegment.IsNullOrEmpty(disposition.Name))
                {
                    throw new ProblemException(Problem.BadRequest(null, "Every part of the form needs Content-Disposition: form-data with a name."));
                }
                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (field == "checkpoint" || disposition.IsFileDisposition())
                {
                    if (field != "checkpoint")
                    {
                        throw new ProblemException(Problem.BadRequest(field, $"Unexpected file part '{field}': the only file a fine-tune request takes is 'checkpoint'."));
                    }
                    if (name is not null)
                    {
                        throw new ProblemException(Problem.BadRequest("checkpoint", "More than one checkpoint file uploaded"));
                    }
                    name = FineTuneCheckpoints.NewUploadName();
                    path = FineTuneCheckpoints.Resolve(files, name)!;
                    await StoreAsync(section.Body, path, maxCheckpointBytes, ct);
                    continue;
                }
                if (fields.Count >= MaxFields)
                {
                    throw new ProblemException(Problem.BadRequest(field, $"The form has more than {MaxFields} fields."));
                }
                fields[field] = await ReadFieldAsync(section.Body, field, ct);
            }
        }
        catch (Exception e) when (e is ProblemException or InvalidDataException or IOException or BadHttpRequestException)
        {
            if (path is not null)
            {
                File.Delete(path);
            }
            throw e switch
            {
                ProblemException refused => refused,
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(maxCheckpointBytes),
                _ => new ProblemException(Problem.BadRequest(null, "The multipart body could not be read: " + e.Message)),
            };
        }
        var upload = new FineTuneUpload(fields, name, path);
        if (path is not null && CheckpointArchive.Inspect(path, 4 * maxCheckpointBytes) is { Problem: { } problem })
        {
            upload.Dispose();
            throw new ProblemException(Problem.BadRequest("checkpoint", "checkpoint must be a ZIP archive (a checkpoint of an earlier run): " + problem));
        }
        return upload;
    }

    private static ProblemException TooLarge(long max) =>
        new(new Problem(413, "checkpoint", $"checkpoint is larger than the {max} bytes this bridge accepts (task.sd_finetune_max_checkpoint_bytes).",
            "invalid_request_error", "payload_too_large"));

    private static async Task StoreAsync(Stream body, string path, long max, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > max)
            {
                throw TooLarge(max);
            }
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, string field, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxFieldBytes)
            {
                throw new ProblemException(Problem.BadRequest(field, $"{field} is longer than {MaxFieldBytes} bytes."));
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new ProblemException(Problem.BadRequest(field, $"{field} must be valid UTF-8 text."));
        }
    }
}
