namespace Crynux.Bridge.Engine;

/// <summary>
/// How the request side and the executor ask the engine for work: a pass of a client task (now or after a delay), and a
/// note that the bridge just acted on the Relay (the next event is near: poll fast for a moment).
/// </summary>
public interface IEngineScheduler
{
    void Drive(long clientTaskId);

    void DriveAfter(long clientTaskId, TimeSpan delay);

    void RelayActed();
}
