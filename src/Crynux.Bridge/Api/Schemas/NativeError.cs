using System.ComponentModel;
using System.Text.Json.Serialization;

// The request and response shapes for /openapi.json. The handlers parse bodies by hand (to name the offending field in
// every error), so these records exist to describe the wire format; they are not used to bind requests.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("The error envelope of the Crynux-native routes: message is validation_error, unauthorized, forbidden, not_found, rate_limit_exceeded, quota_exceeded or server_error.")]
public sealed record NativeError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] FieldError Data);
