using System.Security.Cryptography;
using System.Text;

namespace Crynux.Bridge.Auth;

public static class Roles
{
    public const string Chat = "chat";
    public const string Image = "image";
    public const string Admin = "admin";

    public static readonly string[] All = [Chat, Image, Admin];

    /// <summary>admin grants everything; chat the LLM routes; image the image routes.</summary>
    public static bool Grants(IReadOnlyList<string> held, string required) => held.Contains(Admin) || held.Contains(required);
}

/// <summary>API key secrets: 32 random bytes, base64url (44 characters); stored only as a SHA-256 hash.</summary>
public static class ApiKeys
{
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Prefix(string key) => key.Length >= 8 ? key[..8] : key;
}
