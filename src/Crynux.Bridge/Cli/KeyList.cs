using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Cli;

/// <summary>Prints the key list (GET /v1/api_keys) as a table: one key a line.</summary>
internal static class KeyList
{
    public static async Task PrintAsync(TextWriter output, JsonElement response)
    {
        var data = response.GetProperty("data");
        var keys = data.GetProperty("keys").EnumerateArray().ToList();
        await output.WriteLineAsync($"{data.GetProperty("total").GetInt64()} keys; showing {keys.Count}");
        await output.WriteLineAsync("key_id  client_id                                   preview      roles              used/limit    rate   expires_at            spent CNX / limit     tasks ok/failed  models");
        foreach (var key in keys)
        {
            string Text(string name) => key.GetProperty(name).ValueKind == JsonValueKind.Null ? "" : key.GetProperty(name).ToString();
            var spent = Fees.WeiToCnx(BigInteger.Parse(key.GetProperty("spent_wei").GetString()!, CultureInfo.InvariantCulture));
            var limit = Text("spend_limit_cnx");
            var models = key.GetProperty("models").ValueKind == JsonValueKind.Null ? "all" : string.Join(",", key.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
            await output.WriteLineAsync(string.Join("  ",
                Text("key_id").PadRight(6), Text("client_id").PadRight(42), Text("key_preview").PadRight(11),
                string.Join(",", key.GetProperty("roles").EnumerateArray().Select(r => r.GetString())).PadRight(17),
                $"{Text("used")}/{(Text("use_limit") is { Length: > 0 } u ? u : "∞")}".PadRight(12),
                (Text("rate_limit") is { Length: > 0 } r ? r : "∞").PadRight(5),
                (Text("expires_at") is { Length: > 0 } e ? e : "never").PadRight(20),
                $"{spent} / {(limit.Length > 0 ? limit : "∞")}".PadRight(20),
                $"{Text("tasks")} {Text("successes")}/{Text("failures")}".PadRight(15),
                models));
        }
    }
}
