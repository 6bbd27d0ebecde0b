using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crynux.Crypto;

/// <summary>
/// Writes JSON byte-identical to Go's json.Marshal after a remarshal through interface{}: what the Relay signs.
/// Keys sorted by UTF-8 bytes at every level, compact, Go's HTML-safe escaping, numbers printed as Go prints float64.
/// </summary>
public static class GoJson
{
    private const string HexDigits = "0123456789abcdef";

    public static byte[] Canonicalize(JsonNode? value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteNode(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Canonicalize(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteElement(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    public static string CanonicalizeToString(JsonNode? value) => Encoding.UTF8.GetString(Canonicalize(value));

    private static void WriteNode(ArrayBufferWriter<byte> output, JsonNode? node)
    {
        switch (node)
        {
            case null:
                WriteAscii(output, "null");
                break;
            case JsonObject obj:
                WriteObject(output, obj.Select(p => (p.Key, (object?)p.Value)), static (o, v) => WriteNode(o, (JsonNode?)v));
                break;
            case JsonArray array:
                WriteArray(output, array, WriteNode);
                break;
            case JsonValue value:
                WriteValue(output, value);
                break;
            default:
                throw new CryptoFormatException($"unsupported JSON node {node.GetType().Name}");
        }
    }

    private static void WriteValue(ArrayBufferWriter<byte> output, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(output, value.GetValue<string>());
                break;
            case JsonValueKind.Number:
                WriteAscii(output, GoFloat.Format(GoFloat.Parse(value.ToJsonString())));
                break;
            case JsonValueKind.True:
                WriteAscii(output, "true");
                break;
            case JsonValueKind.False:
                WriteAscii(output, "false");
                break;
            case JsonValueKind.Null:
                WriteAscii(output, "null");
                break;
            default:
                WriteElement(output, value.GetValue<JsonElement>());
                break;
        }
    }

    private static void WriteElement(ArrayBufferWriter<byte> output, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                // Go's map keeps the last of duplicate keys.
                var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    properties[property.Name] = property.Value;
                }

                WriteObject(output, properties.Select(p => (p.Key, p.Value)), static (o, v) => WriteElement(o, (JsonElement)v!));
                break;
            case JsonValueKind.Array:
                WriteArray(output, element.EnumerateArray(), WriteElement);
                break;
            case JsonValueKind.String:
                WriteString(output, element.GetString()!);
                break;
            case JsonValueKind.Number:
                WriteAscii(output, GoFloat.Format(GoFloat.Parse(element.GetRawText())));
                break;
            case JsonValueKind.True:
                WriteAscii(output, "true");
                break;
            case JsonValueKind.False:
                WriteAscii(output, "false");
                break;
            default:
                WriteAscii(output, "null");
                break;
        }
    }

    private static void WriteArray<T>(ArrayBufferWriter<byte> output, IEnumerable<T> items, Action<ArrayBufferWriter<byte>, T> writeItem)
    {
        output.Write("["u8);
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                output.Write(","u8);
            }

            first = false;
            writeItem(output, item);
        }

        output.Write("]"u8);
    }

    private static void WriteObject(ArrayBufferWriter<byte> output, IEnumerable<(string Key, object? Value)> properties,
        Action<ArrayBufferWriter<byte>, object?> writeValue)
    {
        var sorted = properties.Select(p => (Utf8: Encoding.UTF8.GetBytes(p.Key), p.Key, p.Value)).ToList();
        sorted.Sort(static (a, b) => a.Utf8.AsSpan().SequenceCompareTo(b.Utf8));
        output.Write("{"u8);
        for (var i = 0; i < sorted.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            WriteString(output, sorted[i].Key);
            output.Write(":"u8);
            writeValue(output, sorted[i].Value);
        }

        output.Write("}"u8);
    }

    /// <summary>Go's encodeState.string with escapeHTML: invalid UTF-16 (lone surrogates) becomes U+FFFD, as invalid UTF-8 does in Go.</summary>
    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        output.Write("\""u8);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            var c = rune.Value;
            if (c < 0x80)
            {
                WriteAsciiChar(output, (char)c);
            }
            else if (c is 0x2028 or 0x2029)
            {
                WriteAscii(output, c == 0x2028 ? "\\u2028" : "\\u2029");
            }
            else
            {
                // EnumerateRunes already replaced lone surrogates with U+FFFD.
                var length = rune.EncodeToUtf8(utf8);
                output.Write(utf8[..length]);
            }
        }

        output.Write("\""u8);
    }

    private static void WriteAsciiChar(ArrayBufferWriter<byte> output, char c)
    {
        switch (c)
        {
            case '"': output.Write("\\\""u8); return;
            case '\\': output.Write("\\\\"u8); return;
            case '\b': output.Write("\\b"u8); return;
            case '\f': output.Write("\\f"u8); return;
            case '\n': output.Write("\\n"u8); return;
            case '\r': output.Write("\\r"u8); return;
            case '\t': output.Write("\\t"u8); return;
        }

        if (c < 0x20 || c is '<' or '>' or '&')
        {
            Span<byte> escape = [(byte)'\\', (byte)'u', (byte)'0', (byte)'0', (byte)HexDigits[c >> 4], (byte)HexDigits[c & 0xF]];
            output.Write(escape);
            return;
        }

        output.Write([(byte)c]);
    }

    private static void WriteAscii(ArrayBufferWriter<byte> output, string ascii) => output.Write(Encoding.ASCII.GetBytes(ascii));
}
