using System.Numerics;

namespace Crynux.Bridge.Pricing;

/// <summary>
/// The fee chosen for one Relay task, in wei, and how: <c>auto</c> (with the node-seconds and priority it was priced at),
/// <c>fixed</c> (the operator's default; <see cref="Fallback"/> says why when auto could not price it) or <c>client</c>.
/// </summary>
public sealed record FeeQuote(BigInteger FeeWei, string Mode, string? Fallback = null, double? Seconds = null, BigInteger? PriorityGwei = null)
{
    public const string Auto = "auto";
    public const string Fixed = "fixed";
    public const string Client = "client";
}
