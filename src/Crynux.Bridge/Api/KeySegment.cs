using System.Text.RegularExpressions;

namespace Crynux.Bridge.Api;

/// <summary>
/// What the segment after /v1/api_key/ names. An address (0x + 40 hex digits) keeps the address-keyed contract; a
/// bridge-minted key is 44 characters of base64url ending in '='. The two shapes cannot overlap (their lengths differ).
/// </summary>
public static partial class KeySegment
{
    [GeneratedRegex("^[A-Za-z0-9_-]{43}=$")]
    private static partial Regex KeyPattern();

    /// <summary>True for anything the address contract answers (an address, or a malformed one it rejects on client_id).</summary>
    public static bool IsAddressContract(string segment) =>
        segment.StartsWith("0x", StringComparison.OrdinalIgnoreCase);

    /// <summary>The key, or a 400 on api_key for a value that is neither an address nor a well-formed key.</summary>
    public static string Key(string segment) =>
        KeyPattern().IsMatch(segment) ? segment : throw new ProblemException(Problem.BadRequest("api_key", "invalid API key"));
}
