namespace Crynux.Bridge.Data;

public sealed class ApiKeyRow
{
    public long Id { get; set; }
    public string ClientId { get; set; } = "";
    public string KeyHash { get; set; } = "";
    public string KeyPrefix { get; set; } = "";
    public string Roles { get; set; } = "";
    public long UseLimit { get; set; }
    public long UsedCount { get; set; }
    public long RateLimit { get; set; }
    public long ExpiresAt { get; set; }
    public long? LastUsedAt { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? DeletedAt { get; set; }
    /// <summary>Null: no spend limit.</summary>
    public long? SpendLimitGwei { get; set; }
    /// <summary>What the key's tasks hold against the spend limit (running: their worst case; ended: their charged fees).</summary>
    public long SpendHeldGwei { get; set; }
    /// <summary>Null: every model; else a JSON array of the base model ids the key may use.</summary>
    public string? Models { get; set; }

    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public IReadOnlyList<string>? ModelList => Models is null ? null : System.Text.Json.JsonSerializer.Deserialize<List<string>>(Models);
}
