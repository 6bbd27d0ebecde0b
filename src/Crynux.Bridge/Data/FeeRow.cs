namespace Crynux.Bridge.Data;

/// <summary>A Relay task's fee with its client task's key and admission time, for the accounting.</summary>
internal sealed class FeeRow
{
    public long Id { get; set; }
    public string TaskFee { get; set; } = "0";
    public int FeeState { get; set; }
    public long ClientTaskId { get; set; }
    public long? ApiKeyId { get; set; }
    public long CreatedAt { get; set; }
}
