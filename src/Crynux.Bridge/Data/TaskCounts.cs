namespace Crynux.Bridge.Data;

/// <summary>Decimals, because SUM is DECIMAL on MySQL and NUMERIC on PostgreSQL.</summary>
public sealed class TaskCounts
{
    public decimal Total { get; set; }
    public decimal Success { get; set; }
    public decimal Failed { get; set; }
    public decimal Running { get; set; }
    public decimal SuccessMs { get; set; }
}
