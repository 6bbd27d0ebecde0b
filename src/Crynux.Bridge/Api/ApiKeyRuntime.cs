using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Crypto;

namespace Crynux.Bridge.Api;

/// <summary>What the API-key routes need, resolved once.</summary>
public sealed class ApiKeyRuntime(ApiKeyStore keys, ManagementSignatures signatures, TimeProvider time, BridgeOptions options, EthKey wallet)
{
    public ApiKeyStore Keys { get; } = keys;
    public ManagementSignatures Signatures { get; } = signatures;
    public TimeProvider Time { get; } = time;
    public ApiOptions Options { get; } = options.Api;
    public string Root { get; } = wallet.Address;
}
