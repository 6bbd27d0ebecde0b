namespace Crynux.Bridge.Data;

public static class ClientTaskStatus
{
    public const string Running = "running";
    public const string Success = "success";
    public const string Failed = "failed";
}
