namespace Crynux.Devnet.Tests;

public class SmokeTests
{
    [Fact]
    public void Assembly_Loads() => Assert.NotNull(typeof(SmokeTests).Assembly.GetName().Name);
}
