namespace Crynux.Bridge.Data;

/// <summary>A stored Responses API object. Body is the response JSON; Conversation the chat messages JSON it ends.</summary>
public sealed class ResponseRow
{
    public string Id { get; set; } = "";
    public long ApiKeyId { get; set; }
    public long? ClientTaskId { get; set; }
    public string Status { get; set; } = "";
    public string Body { get; set; } = "";
    public string? Conversation { get; set; }
    public long CreatedAt { get; set; }
    public long ExpiresAt { get; set; }

    /// <summary>While in progress: the request body and the conversation it continues (JSON), to finish it after a restart.</summary>
    public string? Request { get; set; }
}
