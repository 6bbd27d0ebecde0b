namespace Crynux.Bridge.Engine;

/// <param name="IdempotencyKey">Not seen before for this API key (the caller looked it up); a concurrent twin is answered Replayed.</param>
public sealed record SubmitRequest(string ClientId, long? ApiKeyId, string Kind, TaskSpec Spec, string? IdempotencyKey = null,
    bool ReserveUse = true, string? Meta = null);
