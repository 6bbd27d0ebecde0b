using System.Globalization;
using System.Text.Json;
using Crynux.Bridge.Llm;
using Microsoft.AspNetCore.Http.Features;

namespace Crynux.Bridge.Api;

/// <summary>
/// Reads a request body as one JSON object, answering malformed or oversized bodies with a 4xx that says why, and reads its
/// fields through <see cref="JsonChecks"/>, the field readers every route shares: they never throw on lone surrogates,
/// invalid UTF-8, huge or non-finite numbers, and accept an integral number written as a float (1.0, 1e0) as that integer.
/// </summary>
public static class JsonBody
{
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 64 }, request.HttpContext.RequestAborted);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ProblemException(Problem.BadRequest(null, "The request body must be a JSON object."));
            }
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ProblemException(Problem.BadRequest(null, $"The request body is not valid JSON: {e.Message}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            throw new ProblemException(new Problem(413, null, $"The request body is larger than the {limit} bytes this bridge accepts.", "invalid_request_error", "payload_too_large"));
        }
        catch (BadHttpRequestException e)
        {
            // A malformed chunked body, a body cut short, a body sent too slowly: the client's request, not a server fault.
            throw new ProblemException(new Problem(e.StatusCode is >= 400 and < 500 ? e.StatusCode : 400, null, "The request body could not be read: " + e.Message));
        }
    }

    public static string? OptionalString(JsonElement body, string name) =>
        JsonChecks.Text(body, name, out var value) is { } error ? throw new ProblemException(error) : value;

    /// <summary>An integer field: a JSON integer (1.0 and 1e0 count as 1) or a string of decimal digits, within [min, max].</summary>
    public static long? OptionalInteger(JsonElement body, string name, long min, long max)
    {
        if (!JsonChecks.Has(body, name, out var value))
        {
            return null;
        }
        long number;
        if (value.ValueKind == JsonValueKind.String)
        {
            if (!long.TryParse(JsonChecks.AsString(value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
            {
                throw new ProblemException(Problem.BadRequest(name, $"{name} must be an integer"));
            }
        }
        else if (!JsonChecks.TryInteger(value, out number))
        {
            throw new ProblemException(Problem.BadRequest(name, $"{name} must be an integer"));
        }
        if (number < min || number > max)
        {
            throw new ProblemException(Problem.BadRequest(name, $"{name} must be between {min} and {max}"));
        }
        return number;
    }

    /// <summary>Rejects anything below <paramref name="value"/> that cannot be read or forwarded safely, naming its path.</summary>
    public static void RequireReadable(JsonElement value, string path)
    {
        if (JsonChecks.Readable(value, path) is { } error)
        {
            throw new ProblemException(error);
        }
    }
}
