using System.Numerics;

namespace Crynux.Bridge.Pricing;

public static class Fees
{
    public static readonly BigInteger WeiPerGwei = BigInteger.Pow(10, 9);
    public static readonly BigInteger WeiPerCnx = BigInteger.Pow(10, 18);

    /// <summary>CNX (configuration) to wei, exactly: the decimal is scaled by 10^9 first, so fees are whole GWei as upstream.</summary>
    public static BigInteger CnxToWei(decimal cnx) => new BigInteger(decimal.Round(cnx * 1_000_000_000m)) * WeiPerGwei;

    public static string WeiToCnx(BigInteger wei)
    {
        var whole = BigInteger.DivRem(wei, WeiPerCnx, out var rest);
        var fraction = BigInteger.Abs(rest).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(18, '0').TrimEnd('0');
        return fraction.Length == 0 ? whole.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{whole}.{fraction}";
    }
}
