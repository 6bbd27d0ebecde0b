using System.Text.Json;

namespace Crynux.Bridge.Relay;

/// <summary>
/// The Relay's error envelope: <c>{"message":"validation_error","data":{"field_name","message"}}</c> for a 400, or
/// <c>{"message":"…"}</c> for a 500. Null when the body is anything else (a proxy's page, garbage, a cut body).
/// </summary>
internal sealed record RelayEnvelope(bool IsValidationError, string? Field, string Message)
{
    public const string TaskNotFound = "Task not found";

    public static RelayEnvelope? TryParse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            if (message.GetString() != "validation_error")
            {
                return new RelayEnvelope(false, null, message.GetString()!);
            }
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String
                && data.TryGetProperty("field_name", out var field) && field.ValueKind is JsonValueKind.String or JsonValueKind.Null)
            {
                return new RelayEnvelope(true, field.GetString(), text.GetString()!);
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
