using System.Text.Json;

namespace Crynux.Bridge.Api;

/// <summary>
/// The bridge's one client-visible error: the request parsers return it, handlers throw it (<see cref="ProblemException"/>)
/// and the error middleware makes it. OpenAI routes render it as {"error":{"message","type","param","code"}}
/// (<see cref="OpenAiBody"/>); Crynux-native routes as the product envelope {"message":kind,"data":{"field_name","message"}}
/// (<see cref="NativeBody"/>). Param is the offending field (a JSON path such as "messages[2].content", or null).
/// </summary>
public sealed record Problem(int Status, string? Param, string Message, string Type = "invalid_request_error", string? Code = null)
{
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>When a client may try again: the problem's own time, else 5 s for the network's and dependencies' failures.</summary>
    public TimeSpan? RetryAfterOrDefault => RetryAfter ?? (Status is 502 or 503 or 504 ? TimeSpan.FromSeconds(5) : null);

    public static Problem BadRequest(string? param, string message) => new(400, param, message);

    public static Problem Unauthorized(string message, string code = "invalid_api_key") => new(401, null, message, "invalid_request_error", code);

    public static Problem Forbidden(string message) => new(403, null, message, "permission_error", "insufficient_permissions");

    public static Problem NotFound(string? param, string message) => new(404, param, message, "invalid_request_error", "not_found");

    public IResult ToOpenAi() => new ProblemResult(this, openAi: true);

    public IResult ToNative() => new ProblemResult(this, openAi: false);

    public string NativeKind => Status switch
    {
        400 => "validation_error",
        401 => "unauthorized",
        402 => Code == "spend_limit_exceeded" ? "spend_limit_exceeded" : "payment_required",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => Code == "insufficient_quota" ? "quota_exceeded" : "rate_limit_exceeded",
        >= 500 => "server_error",
        _ => "error",
    };

    public byte[] OpenAiBody()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", Message);
            json.WriteString("type", Type);
            WriteNullable(json, "param", Param);
            WriteNullable(json, "code", Code);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public byte[] NativeBody()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("message", NativeKind);
            json.WriteStartObject("data");
            json.WriteString("field_name", Param ?? "");
            json.WriteString("message", Message);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private sealed class ProblemResult(Problem problem, bool openAi) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = problem.Status;
            response.ContentType = "application/json";
            if (problem.RetryAfterOrDefault is { } retry)
            {
                response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            await response.Body.WriteAsync(openAi ? problem.OpenAiBody() : problem.NativeBody());
        }
    }
}
