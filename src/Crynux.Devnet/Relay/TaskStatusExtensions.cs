namespace Crynux.Devnet.Relay;

public static class TaskStatusExtensions
{
    public static bool IsTerminal(this RelayTaskStatus status) =>
        status is RelayTaskStatus.EndInvalidated or RelayTaskStatus.EndSuccess or RelayTaskStatus.EndAborted
            or RelayTaskStatus.EndGroupRefund or RelayTaskStatus.EndGroupSuccess;
}
