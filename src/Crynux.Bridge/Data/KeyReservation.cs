namespace Crynux.Bridge.Data;

/// <summary>What an admission's key reservation came to.</summary>
public enum KeyReservation
{
    /// <summary>Reserved, or nothing to reserve.</summary>
    Reserved,
    UseLimitReached,
    SpendLimitReached,
}
