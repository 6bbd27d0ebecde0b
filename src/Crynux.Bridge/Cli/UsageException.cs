namespace Crynux.Bridge.Cli;

/// <summary>Wrong words or options: exit code 2 with the message and a pointer to help.</summary>
internal sealed class UsageException(string message) : Exception(message);
