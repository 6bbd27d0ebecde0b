using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;
using Microsoft.Extensions.Primitives;

namespace Crynux.Devnet.Http;

/// <summary>
/// Request values as gin binds them (query, form or JSON body), with gin's bind errors (400 VE with the Go error text)
/// and validator.v9's "required".
/// </summary>
internal sealed class RequestFields
{
    private readonly Func<string, StringValues> _get;
    private readonly JsonObject? _json;

    private RequestFields(Func<string, StringValues> get, JsonObject? json)
    {
        _get = get;
        _json = json;
    }

    public static RequestFields FromQuery(HttpRequest request) => new(name => request.Query[name], null);

    public static async Task<RequestFields> FromFormAsync(HttpRequest request)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            throw RelayException.Validation("", e.Message);
        }
        return new RequestFields(name => form[name], null) { Form = form };
    }

    /// <summary>JSON body; an empty body binds nothing (gin ignores io.EOF).</summary>
    public static async Task<RequestFields> FromJsonAsync(HttpRequest request, string goType)
    {
        using var reader = new StreamReader(request.Body);
        return FromJsonText(await reader.ReadToEndAsync(), goType);
    }

    /// <summary>A JSON body already read; empty text binds nothing.</summary>
    public static RequestFields FromJsonText(string text, string goType)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new RequestFields(_ => StringValues.Empty, new JsonObject());
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            var first = text.TrimStart()[0];
            throw RelayException.Validation("", first is '{' or '[' or '"' ? "unexpected EOF" : $"invalid character '{first}' looking for beginning of value");
        }
        if (node is not JsonObject obj)
        {
            throw RelayException.Validation("", $"json: cannot unmarshal {(node is JsonArray ? "array" : "value")} into Go value of type {goType}");
        }
        return new RequestFields(name => obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : StringValues.Empty, obj)
        {
            GoType = goType,
        };
    }

    public IFormCollection? Form { get; private init; }

    /// <summary>The JSON body object (null for query and form fields).</summary>
    public JsonObject? Json => _json;

    private string GoType { get; init; } = "";

    public string Text(string name)
    {
        if (_json is not null && _json[name] is { } node && node.GetValueKind() != JsonValueKind.String && node.GetValueKind() != JsonValueKind.Null)
        {
            throw TypeError(name, node, "string");
        }
        return _get(name).ToString();
    }

    /// <summary>A string, or for JSON bodies also a bare number (models.BigInt accepts both).</summary>
    public string TextOrNumber(string name) =>
        _json?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : Text(name);

    public bool Has(string name) => _json is not null ? _json.ContainsKey(name) && _json[name] is not null : _get(name).Count > 0;

    public long Int64(string name) => (long)Integer(name, "int64", long.MinValue, long.MaxValue);

    public ulong UInt64(string name) => (ulong)Integer(name, "uint64", 0, ulong.MaxValue);

    public int Int(string name, string goType) => (int)Integer(name, goType, int.MinValue, int.MaxValue);

    public string[]? Strings(string name)
    {
        if (_json is not null)
        {
            return _json[name] switch
            {
                null => null,
                JsonArray array => [.. array.Select(item => item?.GetValueKind() == JsonValueKind.String
                    ? item.GetValue<string>()
                    : throw TypeError(name, item!, "string"))],
                var other => throw TypeError(name, other, "[]string"),
            };
        }
        var values = _get(name);
        return values.Count == 0 ? null : [.. values.Select(v => v ?? "")];
    }

    /// <summary>A JSON number or a decimal form value within [min, max].</summary>
    private decimal Integer(string name, string goType, decimal min, decimal max)
    {
        if (_json is not null)
        {
            var node = _json[name];
            if (node is null)
            {
                return 0;
            }
            if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<decimal>(out var number)
                || number != decimal.Truncate(number) || number < min || number > max)
            {
                throw TypeError(name, node, goType);
            }
            return number;
        }
        var text = _get(name).ToString();
        if (text.Length == 0)
        {
            return 0;
        }
        var parser = min < 0 ? "ParseInt" : "ParseUint";
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || (min >= 0 && text.StartsWith('-')))
        {
            throw RelayException.Validation("", $"strconv.{parser}: parsing \"{text}\": invalid syntax");
        }
        if (value < min || value > max)
        {
            throw RelayException.Validation("", $"strconv.{parser}: parsing \"{text}\": value out of range");
        }
        return value;
    }

    private RelayException TypeError(string name, JsonNode node, string goType)
    {
        var kind = node.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.Array => "array",
            JsonValueKind.Object => "object",
            _ => "bool",
        };
        return RelayException.Validation(name, $"json: cannot unmarshal {kind} into Go struct field {GoType}.{name} of type {goType}");
    }

    /// <summary>validator.v9 "required": the first failing field in struct order wins.</summary>
    public static void Require(params (string Field, bool Present)[] checks)
    {
        foreach (var (field, present) in checks)
        {
            if (!present)
            {
                throw RelayException.Validation(field, "required");
            }
        }
    }
}
