namespace Crynux.Bridge.Llm;

/// <summary>
/// An OpenAI-style client error: HTTP status, the offending parameter (a JSON path such as "messages[2].content", or
/// null), the message, and OpenAI's error type and code.
/// </summary>
public sealed record ApiError(int Status, string? Param, string Message, string Type = "invalid_request_error", string? Code = null)
{
    /// <summary>A 400 invalid_request_error naming the parameter.</summary>
    public static ApiError BadRequest(string? param, string message) => new(400, param, message);
}
