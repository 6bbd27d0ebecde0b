namespace Crynux.Bridge.Data;

/// <summary>
/// A change to a key's controls: a null property is left as it is. Nullable settings are wrapped in <see cref="Setting{T}"/>
/// so that "set to none" differs from "not given".
/// </summary>
public sealed record KeyControls(
    IReadOnlyList<string>? Roles = null,
    long? UseLimit = null,
    long? RateLimit = null,
    long? ExpiresAt = null,
    Setting<long?>? SpendLimitGwei = null,
    Setting<IReadOnlyList<string>?>? Models = null);
