using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crynux.Bridge.Data;
using Crynux.Bridge.Llm;

namespace Crynux.Bridge.Api;

/// <summary>Reads the fields of key controls (the admin PATCH and the signed routes): each bad value is a 400 naming its field.</summary>
public static partial class KeyControlFields
{
    public const long MaxLimit = 1L << 50;

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex Rfc3339();

    public static IReadOnlyList<string> Roles(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Bad("roles", $"roles must be an array of role names ({string.Join(", ", Auth.Roles.All)}); [] removes every role");
        }
        var roles = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var role = JsonChecks.AsString(item);
            if (role is null || !Auth.Roles.All.Contains(role))
            {
                throw Bad("roles", $"each role must be one of {string.Join(", ", Auth.Roles.All)}");
            }
            if (!roles.Contains(role))
            {
                roles.Add(role);
            }
        }
        return roles;
    }

    /// <summary>use_limit or rate_limit: an integer 0 to 2^50, 0 or null meaning unlimited.</summary>
    public static long Limit(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }
        if (!JsonChecks.TryInteger(value, out var number) || number < 0 || number > MaxLimit)
        {
            throw Bad(field, $"{field} must be an integer from 0 to {MaxLimit} (0 or null: unlimited)");
        }
        return number;
    }

    /// <summary>RFC 3339 (or, with <paramref name="unixSeconds"/>, a number of unix seconds), as unix seconds; null is never.</summary>
    public static long Expiry(JsonElement value, bool unixSeconds)
    {
        const string Field = "expires_at";
        if (value.ValueKind == JsonValueKind.Null)
        {
            return KeyExpiry.Never;
        }
        long seconds;
        if (unixSeconds && value.ValueKind == JsonValueKind.Number)
        {
            if (!JsonChecks.TryInteger(value, out seconds))
            {
                throw Bad(Field, "expires_at must be whole unix seconds");
            }
        }
        else
        {
            var text = JsonChecks.AsString(value);
            if (text is null || !Rfc3339().IsMatch(text)
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                throw Bad(Field, "expires_at must be an RFC 3339 time such as 2027-01-01T00:00:00Z" + (unixSeconds ? ", unix seconds," : "") + " or null for never");
            }
            seconds = time.ToUnixTimeSeconds();
        }
        if (seconds < 0 || seconds >= KeyExpiry.Never)
        {
            throw Bad(Field, "expires_at must be between 1970 and the end of 9999 (null: never)");
        }
        return seconds;
    }

    /// <summary>The allow-list: 1 to 100 model ids (deduplicated), or null for every model.</summary>
    public static IReadOnlyList<string>? Models(JsonElement value)
    {
        const string Field = "models";
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() is 0 or > ModelAllowList.MaxEntries)
        {
            throw Bad(Field, $"models must be an array of 1 to {ModelAllowList.MaxEntries} model ids, or null to allow every model");
        }
        var models = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var model = JsonChecks.AsString(item)?.Trim();
            if (model is null || model.Length is 0 or > ModelAllowList.MaxEntryLength || model.Any(char.IsControl))
            {
                throw Bad(Field, $"each model must be a model id of 1 to {ModelAllowList.MaxEntryLength} characters, such as Qwen/Qwen2.5-7B");
            }
            if (!models.Contains(model, StringComparer.OrdinalIgnoreCase))
            {
                models.Add(model);
            }
        }
        return models;
    }

    /// <summary>The object's fields by name, refusing names it does not know, duplicates and names that are not Unicode text.</summary>
    public static Dictionary<string, JsonElement> Fields(JsonElement body, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                throw Bad(null, "a field name is not valid Unicode text");
            }
            if (!known.Contains(name))
            {
                throw Bad(name.Length > 64 ? name[..64] : name, $"unknown field; the fields are {string.Join(", ", known)}");
            }
            if (!fields.TryAdd(name, property.Value))
            {
                throw Bad(name, "the field is given twice");
            }
        }
        return fields;
    }

    private static ProblemException Bad(string? field, string message) => new(Problem.BadRequest(field, message));
}
