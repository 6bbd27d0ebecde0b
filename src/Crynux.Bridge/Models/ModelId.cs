using System.Text.RegularExpressions;

namespace Crynux.Bridge.Models;

/// <summary>
/// The shape of a model id the bridge passes to the network: a Hugging Face repository "org/name" (letters, digits, '-',
/// '_', '.'; each part starts with a letter or digit; no ".."). Whether the model exists is the Relay's question.
/// </summary>
public static partial class ModelId
{
    public const int MaxLength = 256;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex Shape();

    /// <summary>Null when <paramref name="id"/> is a well-formed model id, else why not (for a 400 naming the field).</summary>
    public static string? Check(string id, string field = "model")
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length > MaxLength)
        {
            return $"{field} must be at most {MaxLength} characters";
        }
        if (id.Any(c => char.IsControl(c) || char.IsSurrogate(c)))
        {
            return $"{field} must not contain control characters";
        }
        return Shape().IsMatch(id) && !id.Contains("..", StringComparison.Ordinal) && !id.EndsWith('.')
            ? null
            : $"{field} must be a Hugging Face model id such as Qwen/Qwen2.5-7B-Instruct (org/name of letters, digits, '-', '_' and '.')";
    }
}
