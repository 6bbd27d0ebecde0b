namespace Crynux.Bridge.Configuration;

public sealed class AccountOptions
{
    public string Address { get; set; } = "";
    [ConfigurationKeyName("private_key")]
    public string PrivateKey { get; set; } = "";
    [ConfigurationKeyName("private_key_file")]
    public string PrivateKeyFile { get; set; } = "";
}
