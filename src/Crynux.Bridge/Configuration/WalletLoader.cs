using Crynux.Crypto;

namespace Crynux.Bridge.Configuration;

/// <summary>
/// Loads the application wallet key: blockchain.account.private_key_file (a Docker secret works; the file is only read),
/// else CRYNUX_BRIDGE_PRIVATE_KEY, else blockchain.account.private_key. The key never appears in messages.
/// </summary>
public static class WalletLoader
{
    public const string KeyVariable = "CRYNUX_BRIDGE_PRIVATE_KEY";

    public static EthKey Load(AccountOptions account)
    {
        ArgumentNullException.ThrowIfNull(account);
        string source;
        string text;
        if (account.PrivateKeyFile.Length > 0)
        {
            source = "blockchain.account.private_key_file";
            try
            {
                text = File.ReadAllText(account.PrivateKeyFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException(source, $"cannot be read ({account.PrivateKeyFile}): {e.Message}");
            }
        }
        else if (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } fromEnv)
        {
            source = KeyVariable;
            text = fromEnv;
        }
        else if (account.PrivateKey.Length > 0)
        {
            source = "blockchain.account.private_key";
            text = account.PrivateKey;
        }
        else
        {
            throw new ConfigException("blockchain.account.private_key_file", $"is required (or set {KeyVariable}, or run with --devnet)");
        }

        var key = Parse(text.Trim(), source);
        if (account.Address.Length > 0 && !string.Equals(account.Address, key.Address, StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigException("blockchain.account.address", $"is {account.Address}, but the private key belongs to {key.Address}");
        }
        return key;
    }

    private static EthKey Parse(string hex, string source)
    {
        try
        {
            return EthKey.FromHex(hex);
        }
        catch (CryptoFormatException)
        {
            // The parser's message may quote the input; ours never does.
            throw new ConfigException(source, "does not hold a valid secp256k1 private key (64 hex digits, 0x optional)");
        }
    }
}
