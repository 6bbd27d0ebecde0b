using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crynux.Devnet.Relay;

/// <summary>Reads a JSON number from any JsonValue (parsed or constructed in code) as a double.</summary>
internal static class JsonNumbers
{
    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public static int? Int(JsonNode? node) => TryGetDouble(node, out var d) ? (int)Math.Clamp(d, int.MinValue, int.MaxValue) : null;
}
