namespace Crynux.Bridge.Configuration;

public sealed class BlockchainOptions
{
    public AccountOptions Account { get; set; } = new();
}
