namespace Crynux.Bridge.Cli;

/// <summary>A call that failed (the bridge, the Relay or the database said no): exit code 1.</summary>
internal sealed class CliFailure(string message) : Exception(message);
