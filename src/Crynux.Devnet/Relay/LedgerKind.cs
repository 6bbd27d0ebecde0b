namespace Crynux.Devnet.Relay;

public enum LedgerKind
{
    /// <summary>Devnet admin deposit.</summary>
    Fund,

    /// <summary>Task fee charged from the creator at create.</summary>
    TaskPayment,

    /// <summary>Full fee returned to the creator.</summary>
    TaskRefund,

    /// <summary>Node share of a paid task.</summary>
    TaskIncome,

    /// <summary>DAO share of a paid task.</summary>
    DaoIncome,
}
