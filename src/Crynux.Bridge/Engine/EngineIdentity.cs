namespace Crynux.Bridge.Engine;

/// <summary>This instance's id: the lease owner of the client tasks it drives.</summary>
public sealed record EngineIdentity(string InstanceId);
