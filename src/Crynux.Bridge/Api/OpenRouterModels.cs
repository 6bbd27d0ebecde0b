using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Llm;

namespace Crynux.Bridge.Api;

/// <summary>
/// The model list an operator publishes to OpenRouter (openrouter.models_file): a JSON array of objects with id, name,
/// created, description, context_length, max_completion_tokens, quantization and pricing (keys in any case, as the
/// upstream bridge reads them). Checked once at start, so a broken file stops the bridge instead of failing OpenRouter's crawler.
/// </summary>
public static class OpenRouterModels
{
    private static readonly string[] PriceFields = ["prompt", "completion", "image", "request"];

    /// <summary>The list as served; a <see cref="ConfigException"/> on openrouter.models_file naming what is wrong.</summary>
    public static JsonArray Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ConfigException("openrouter.models_file", $"'{path}' cannot be read as JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(path, "must be a JSON array of model objects");
            }
            var models = new JsonArray();
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                models.Add(Model(path, index++, item));
            }
            return models;
        }
    }

    private static JsonObject Model(string path, int index, JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"item {index} must be an object");
        }
        var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in item.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }
        string? Text(string name) =>
            !fields.TryGetValue(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
            : v.ValueKind == JsonValueKind.String && JsonChecks.AsString(v) is { } s ? s
            : throw Invalid(path, $"item {index}: {name} must be a string");
        long Integer(string name) =>
            !fields.TryGetValue(name, out var v) || v.ValueKind == JsonValueKind.Null ? 0
            : JsonChecks.TryInteger(v, out var n) && n >= 0 ? n
            : throw Invalid(path, $"item {index}: {name} must be a non-negative integer");
        var id = Text("id");
        if (string.IsNullOrWhiteSpace(id))
        {
            throw Invalid(path, $"item {index}: id is required");
        }
        var pricing = new JsonObject();
        if (fields.TryGetValue("pricing", out var prices) && prices.ValueKind != JsonValueKind.Null)
        {
            if (prices.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, $"item {index}: pricing must be an object");
            }
            var priceFields = prices.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase);
            foreach (var name in PriceFields)
            {
                pricing[name] = !priceFields.TryGetValue(name, out var price) || price.ValueKind == JsonValueKind.Null ? "0"
                    : price.ValueKind == JsonValueKind.String && decimal.TryParse(price.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
                        ? price.GetString()
                        : throw Invalid(path, $"item {index}: pricing.{name} must be a decimal number in a string");
            }
        }
        var model = new JsonObject
        {
            ["id"] = id,
            ["name"] = Text("name") ?? id,
            ["created"] = Integer("created"),
        };
        if (Text("description") is { Length: > 0 } description)
        {
            model["description"] = description;
        }
        model["context_length"] = Integer("context_length");
        model["max_completion_tokens"] = Integer("max_completion_tokens");
        model["quantization"] = Text("quantization") ?? "";
        // "Pricing" is what the upstream bridge emits (its field has no JSON name); "pricing" is OpenRouter's own spelling.
        model["Pricing"] = pricing.DeepClone();
        model["pricing"] = pricing;
        return model;
    }

    private static ConfigException Invalid(string path, string message) => new("openrouter.models_file", $"'{path}': {message}");
}
