using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Crynux.Bridge.Api;

/// <summary>Reads a request body as one JSON object, answering malformed or oversized bodies with a 4xx that says why.</summary>
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
    }

    public static string? OptionalString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new ProblemException(Problem.BadRequest(name, $"{name} must be a string"));
    }

    public static long? OptionalInteger(JsonElement body, string name, long min, long max)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            value = JsonDocument.Parse(parsed.ToString(System.Globalization.CultureInfo.InvariantCulture)).RootElement;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw new ProblemException(Problem.BadRequest(name, $"{name} must be an integer"));
        }
        if (number < min || number > max)
        {
            throw new ProblemException(Problem.BadRequest(name, $"{name} must be between {min} and {max}"));
        }
        return number;
    }
}
