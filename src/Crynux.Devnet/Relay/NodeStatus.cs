namespace Crynux.Devnet.Relay;

public enum NodeStatus
{
    Quit = 0,
    Available = 1,
    Busy = 2,
    PendingPause = 3,
    PendingQuit = 4,
    Paused = 5,
}
