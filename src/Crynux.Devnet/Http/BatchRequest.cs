using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>
/// A batch request body as gin binds it: a JSON object with a list field, "timestamp" and "signature"; decode errors
/// and validator "required" are whole-request 400s; then the size, duplicate and signature checks, in that order.
/// </summary>
internal sealed class BatchRequest
{
    private BatchRequest(JsonObject body, JsonArray list, long timestamp, string signature)
    {
        Body = body;
        List = list;
        Timestamp = timestamp;
        Signature = signature;
    }

    public JsonObject Body { get; }
    public JsonArray List { get; }
    public long Timestamp { get; }
    public string Signature { get; }

    /// <summary>Reads the body; <paramref name="checkItem"/> raises the Go decode error of one bad list element.</summary>
    public static async Task<BatchRequest> ReadAsync(HttpRequest request, string goType, string listField, Action<JsonNode?, int> checkItem)
    {
        var text = "";
        if (request.HasJsonContentType() || request.ContentType is null)
        {
            // gin binds JSON only for a JSON content type; any other body binds nothing here (then "required").
            using var reader = new StreamReader(request.Body);
            text = await reader.ReadToEndAsync();
        }
        var fields = RequestFields.FromJsonText(text, goType);
        var body = fields.Json!;
        var list = body[listField];
        if (list is not null and not JsonArray)
        {
            throw TypeError(goType, listField, list, "[]");
        }
        if (list is JsonArray items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                checkItem(items[i], i);
            }
        }
        var timestamp = fields.Int64("timestamp");
        var signature = fields.Text("signature");
        RequestFields.Require((listField, list is not null), ("timestamp", timestamp != 0), ("signature", signature.Length > 0));
        return new BatchRequest(body, (JsonArray)list!, timestamp, signature);
    }

    /// <summary>Size, then duplicates (by <paramref name="identity"/>), then the signature over the body without timestamp and signature.</summary>
    public string Check(string listField, int maxItems, Func<JsonNode?, string> identity, SignatureGate signatures, JsonObject signed) =>
        Check(listField, maxItems, () =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            return List.Any(item => !seen.Add(identity(item)));
        }, signatures, signed);

    public string Check(string listField, int maxItems, Func<bool> hasDuplicates, SignatureGate signatures, JsonObject signed)
    {
        if (List.Count == 0)
        {
            throw RelayException.Validation(listField, "Batch must contain at least one item");
        }
        if (List.Count > maxItems)
        {
            throw RelayException.Validation(listField, $"Batch exceeds maximum item count {maxItems}");
        }
        if (hasDuplicates())
        {
            throw RelayException.Validation(listField, "Duplicate item identity");
        }
        return signatures.VerifyWithoutPanic(signed, Timestamp, Signature);
    }

    public static RelayException TypeError(string goType, string path, JsonNode node, string target)
    {
        var kind = node.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.Array => "array",
            JsonValueKind.Object => "object",
            _ => "bool",
        };
        return RelayException.Validation(path, $"json: cannot unmarshal {kind} into Go struct field {goType}.{path} of type {target}");
    }
}
