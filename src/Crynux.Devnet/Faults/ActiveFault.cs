namespace Crynux.Devnet;

/// <summary>A live fault rule, its id and how many requests it has hit so far.</summary>
public sealed record ActiveFault(int Id, FaultRule Rule, int Hits);
