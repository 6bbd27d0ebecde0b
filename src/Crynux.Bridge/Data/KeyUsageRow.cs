namespace Crynux.Bridge.Data;

/// <summary>A key with its lifetime totals (sums over key_spend_days; decimals because SUM widens on MySQL and PostgreSQL).</summary>
public sealed class KeyUsageRow
{
    public long Id { get; set; }
    public string ClientId { get; set; } = "";
    public string KeyPrefix { get; set; } = "";
    public string Roles { get; set; } = "";
    public long UseLimit { get; set; }
    public long UsedCount { get; set; }
    public long RateLimit { get; set; }
    public long ExpiresAt { get; set; }
    public long? SpendLimitGwei { get; set; }
    public long SpendHeldGwei { get; set; }
    public string? Models { get; set; }
    public long CreatedAt { get; set; }
    public decimal Tasks { get; set; }
    public decimal Successes { get; set; }
    public decimal Failures { get; set; }
    public decimal ChargedGwei { get; set; }
    public decimal ChargedWei { get; set; }
    public decimal RefundedGwei { get; set; }
    public decimal RefundedWei { get; set; }

    /// <summary>Fees charged minus fees refunded, in wei, exactly.</summary>
    public System.Numerics.BigInteger SpentWei => SpendLedger.Wei(ChargedGwei, ChargedWei) - SpendLedger.Wei(RefundedGwei, RefundedWei);
}
