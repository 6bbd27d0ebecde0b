using System.Globalization;

namespace Crynux.Bridge.Cli;

/// <summary>
/// The words and options of one CLI command: positional words, <c>--name value</c> / <c>--name=value</c> options (some
/// repeatable), and configuration flags <c>--section:key=value</c>, which go to the configuration like the server's.
/// </summary>
internal sealed class CliArgs
{
    private static readonly HashSet<string> ValueOptions =
        ["--config", "--bridge", "--role", "--use-limit", "--rate-limit", "--client", "--limit", "--timeout"];

    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    private CliArgs()
    {
    }

    public List<string> Words { get; } = [];

    public List<string> ConfigFlags { get; } = [];

    public static CliArgs Parse(IReadOnlyList<string> args)
    {
        var result = new CliArgs();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                result.Words.Add(arg);
                continue;
            }
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg : arg[..eq];
            if (name.Contains(':', StringComparison.Ordinal))
            {
                result.ConfigFlags.Add(arg);
                continue;
            }
            if (!ValueOptions.Contains(name))
            {
                throw new UsageException($"unknown option {name}");
            }
            string value;
            if (eq >= 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"{name} needs a value");
            }
            if (!result._options.TryGetValue(name, out var list))
            {
                result._options[name] = list = [];
            }
            list.Add(value);
        }
        return result;
    }

    public IReadOnlyList<string> All(string name) => _options.TryGetValue(name, out var list) ? list : [];

    public string? Value(string name)
    {
        var values = All(name);
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw new UsageException($"{name} is given more than once"),
        };
    }

    public long? Integer(string name, long min, long max)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{name} must be a whole number from {min} to {max}, not '{text}'");
    }

    /// <summary>Fails on options this command does not take, so a typo is not silently ignored.</summary>
    public void Allow(params string[] names)
    {
        var extra = _options.Keys.Where(k => k != "--config" && !names.Contains(k)).ToList();
        if (extra.Count > 0)
        {
            throw new UsageException($"{string.Join(", ", extra)} does not apply to this command");
        }
    }

    /// <summary>The positional word at <paramref name="index"/> (after the command words), or a usage error naming it.</summary>
    public string Word(int index, string what) =>
        index < Words.Count ? Words[index] : throw new UsageException($"missing {what}");

    public void NoMoreWords(int count)
    {
        if (Words.Count > count)
        {
            throw new UsageException($"unexpected '{Words[count]}'");
        }
    }
}
