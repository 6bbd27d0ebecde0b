namespace Crynux.Bridge.Configuration;

/// <summary>A configuration error that names the key.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string key, string message, Exception? inner = null) : base($"config {key} {message}", inner) => Key = key;

    public ConfigException() { }

    public ConfigException(string message) : base(message) { }

    public ConfigException(string message, Exception inner) : base(message, inner) { }

    public string Key { get; } = "";
}
