namespace Crynux.Bridge.Data;

/// <summary>Which client tasks a console or trace list shows; every field optional. Times are unix milliseconds.</summary>
public sealed record TaskFilter(long? ApiKeyId = null, string? ClientId = null, string? Status = null, string? Model = null, long? From = null, long? To = null,
    IReadOnlyList<string>? Kinds = null, long? MinId = null);
