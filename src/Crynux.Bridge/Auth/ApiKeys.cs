using System.Security.Cryptography;
using System.Text;

namespace Crynux.Bridge.Auth;

/// <summary>API key secrets: 32 random bytes, base64url (44 characters); stored only as a SHA-256 hash.</summary>
public static class ApiKeys
{
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>What is stored to show a key: its first 4 and last 4 characters ("abcd...wxyz"; short keys "ab****yz", "****").</summary>
    public static string Preview(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length switch
        {
            <= 4 => "****",
            <= 10 => key[..2] + "****" + key[^2..],
            _ => key[..4] + "..." + key[^4..],
        };
    }
}
