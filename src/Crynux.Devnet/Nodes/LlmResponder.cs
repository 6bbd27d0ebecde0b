using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Crypto;

namespace Crynux.Devnet.Nodes;

/// <summary>
/// The devnet's stand-in for gpt-task: a deterministic reply (from the messages, seed, sequence index and an optional
/// salt) in the GPTTaskResponse format, honouring num_return_sequences, max_new_tokens and stop_strings. One token is
/// one whitespace-separated word. With tools, a last user message that names a tool (or says "tool") gets a Hermes
/// &lt;tool_call&gt; block.
/// </summary>
public static class LlmResponder
{
    private const int DefaultMaxNewTokens = 256;

    private static readonly string[] Vocabulary =
    [
        "the", "devnet", "node", "answers", "with", "synthetic", "words", "for", "testing", "only", "relay", "bridge",
        "token", "sequence", "deterministic", "output", "seed", "prompt", "quick", "brown", "fox", "jumps", "over",
        "lazy", "dog", "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "alpha", "beta",
        "gamma", "delta", "signal", "vector", "matrix", "gradient", "circle", "square", "river", "mountain", "cloud",
        "stone", "light", "shadow", "echo", "pattern", "number", "letter", "network", "graph", "field", "wave", "note",
    ];

    public static byte[] Respond(JsonObject args, string salt = "")
    {
        ArgumentNullException.ThrowIfNull(args);
        var messages = args["messages"] as JsonArray ?? [];
        var config = args["generation_config"] as JsonObject;
        var maxNewTokens = Int(config?["max_new_tokens"]) ?? DefaultMaxNewTokens;
        var sequences = Math.Max(1, Int(config?["num_return_sequences"]) ?? 1);
        var stops = (config?["stop_strings"] as JsonArray ?? []).Select(s => s?.GetValue<string>() ?? "").Where(s => s.Length > 0).ToList();
        var seed = Int(args["seed"]) ?? 0;
        var basis = GoJson.CanonicalizeToString(messages) + "\n" + seed + "\n" + salt;

        var choices = new JsonArray();
        var completionTokens = 0;
        for (var i = 0; i < sequences; i++)
        {
            var words = Generate(args, messages, basis, i).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var finish = "stop";
            if (words.Length > maxNewTokens)
            {
                words = words[..maxNewTokens];
                finish = "length";
            }
            var text = string.Join(' ', words);
            var cut = stops.Select(s => text.IndexOf(s, StringComparison.Ordinal)).Where(p => p >= 0).DefaultIfEmpty(-1).Min();
            if (cut >= 0)
            {
                text = text[..cut];
                finish = "stop";
            }
            completionTokens += CountTokens(text);
            choices.Add(new JsonObject
            {
                ["index"] = i,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
                ["finish_reason"] = finish,
            });
        }
        var promptTokens = messages.OfType<JsonObject>().Sum(m => 3 + CountTokens(TextOf(m)));
        var result = new JsonObject
        {
            ["model"] = args["model"]?.GetValue<string>() ?? "",
            ["choices"] = choices,
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        };
        return Encoding.UTF8.GetBytes(result.ToJsonString(Http.RelayResponses.Json));
    }

    private static string Generate(JsonObject args, JsonArray messages, string basis, int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(basis + "\n" + index));
        var last = messages.OfType<JsonObject>().LastOrDefault();
        if (args["tools"] is JsonArray { Count: > 0 } tools && last?["role"]?.GetValue<string>() == "user"
            && ToolCalls.Choose(tools, TextOf(last)) is { } tool)
        {
            return ToolCalls.Render(tool, TextOf(last), hash);
        }
        var state = BitConverter.ToUInt64(hash, 0) | 1;
        var count = 12 + (hash[8] % 40);
        var words = new List<string> { "Devnet", "reply:" };
        for (var w = 0; w < count; w++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            words.Add(Vocabulary[(int)(state % (ulong)Vocabulary.Length)]);
        }
        return string.Join(' ', words) + ".";
    }

    internal static string TextOf(JsonObject message) => message["content"] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray blocks => string.Join(' ', blocks.OfType<JsonObject>()
            .Select(b => b["text"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : "")),
        _ => "",
    };

    private static int CountTokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static int? Int(JsonNode? node) => Relay.JsonNumbers.Int(node);
}
