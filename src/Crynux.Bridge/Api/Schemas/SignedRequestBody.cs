using System.ComponentModel;
using System.Text.Json.Serialization;

// The request and response shapes for /openapi.json. The handlers parse bodies by hand (to name the offending field in
// every error), so these records exist to describe the wire format; they are not used to bind requests.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("A signed management request: signature over keccak256(sorted compact JSON of the route's payload ‖ decimal timestamp). Payloads with an address segment: create/delete {client_id}; role {client_id, role}; use_limit {client_id, use_limit}; rate_limit {client_id, rate_limit}. With a bridge-minted key segment the same with api_key instead of client_id (root only); POST /v1/api_key signs {}. v may be 0/1 or 27/28; EIP-191 forms are accepted; each signature once, within ±60 s.")]
public sealed record SignedRequestBody(
    [property: JsonPropertyName("timestamp"), Description("unix seconds")] long Timestamp,
    [property: JsonPropertyName("signature"), Description("0x + 130 hex digits")] string Signature,
    [property: JsonPropertyName("role"), Description("/role: chat, image or admin")] string? Role = null,
    [property: JsonPropertyName("use_limit"), Description("/use_limit: tasks the key may create; 0 = unlimited")] long? UseLimit = null,
    [property: JsonPropertyName("rate_limit"), Description("/rate_limit: requests per minute; 0 = unlimited")] long? RateLimit = null);
