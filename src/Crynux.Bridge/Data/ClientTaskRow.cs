namespace Crynux.Bridge.Data;

/// <summary>One client request: one or more Relay tasks (repeats and validation members) and one outcome.</summary>
public sealed class ClientTaskRow
{
    public long Id { get; set; }
    public string PublicId { get; set; } = "";
    public string ClientId { get; set; } = "";
    public long? ApiKeyId { get; set; }
    public string Kind { get; set; } = "";
    public string Status { get; set; } = ClientTaskStatus.Running;
    public string? Error { get; set; }
    public string? IdempotencyKey { get; set; }
    public int FailedCount { get; set; }
    public long? ResultTaskId { get; set; }
    public int QuotaReserved { get; set; }
    public int IsOpen { get; set; } = 1;
    public string? LeaseOwner { get; set; }
    public long LeaseExpiresAt { get; set; }
    public string? Meta { get; set; }
    /// <summary>What the task holds against its key's spend limit: its worst case while it runs, its charged fees once closed.</summary>
    public long SpendHeldGwei { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? FinishedAt { get; set; }
}
