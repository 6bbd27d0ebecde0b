namespace Crynux.Bridge.Data;

public enum SpendEventKind
{
    Success,
    Failure,
    Charged,
    Refunded,
}
