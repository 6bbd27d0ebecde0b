using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Crynux.Crypto;

namespace Crynux.Bridge.Api.Admin;

/// <summary>
/// Console sign-in with a root signature made in the browser: the bridge answers with a session token that needs no
/// storage (expiry + HMAC under a key derived from the wallet key), so every instance with the same wallet accepts it
/// and a restart keeps it valid until it expires.
/// </summary>
public sealed class ConsoleSessions
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);
    private const string Prefix = "cs1.";

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public ConsoleSessions(EthKey wallet, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        _key = SHA256.HashData(Encoding.UTF8.GetBytes("crynux-bridge console session\n" + wallet.ExportHex()));
        _time = time;
    }

    public (string Token, DateTimeOffset ExpiresAt) Issue()
    {
        var expires = _time.GetUtcNow().Add(Lifetime);
        var seconds = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return (Prefix + seconds + "." + Mac(seconds), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    public bool IsValid(string? token)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires <= _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(parts[0])), Encoding.ASCII.GetBytes(parts[1]));
    }

    private string Mac(string expires) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(expires)));
}
