namespace Crynux.Bridge.Data;

/// <summary>One UTC day's totals (of one key, or of all keys).</summary>
public sealed class SpendDayRow
{
    public long Day { get; set; }
    public decimal Tasks { get; set; }
    public decimal Successes { get; set; }
    public decimal Failures { get; set; }
    public decimal ChargedGwei { get; set; }
    public decimal ChargedWei { get; set; }
    public decimal RefundedGwei { get; set; }
    public decimal RefundedWei { get; set; }

    public System.Numerics.BigInteger SpentWei => SpendLedger.Wei(ChargedGwei, ChargedWei) - SpendLedger.Wei(RefundedGwei, RefundedWei);
}
