namespace Crynux.Bridge.Data;

/// <summary>A value to set, which may itself be null (no limit, every model).</summary>
public sealed record Setting<T>(T Value);
