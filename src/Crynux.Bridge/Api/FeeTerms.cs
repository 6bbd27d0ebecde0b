using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Crynux.Bridge.Llm;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Api;

/// <summary>
/// How a request's fee is chosen: <see cref="OperatorDefault"/> when the request named no fee (the bridge prices it, auto
/// or fixed), and the client's own cap on it, if any: <c>max_fee</c> in the body (a JSON number of CNX, or a string of
/// wei) or the <c>x-crynux-max-fee</c> header (wei). With both, the lower cap applies. A cap never raises a fee.
/// </summary>
public sealed record FeeTerms(bool OperatorDefault, BigInteger? CapWei, string CapParam)
{
    public const string BodyField = "max_fee";
    public const string Header = "x-crynux-max-fee";

    /// <summary>The most a cap may say (10^9 CNX): more is surely a mistake, and it keeps the numbers small.</summary>
    private static readonly BigInteger MaxCapWei = BigInteger.Pow(10, 27);

    /// <summary>Terms of a caller that gives neither a default fee nor a cap: the fee is used as it is.</summary>
    public static readonly FeeTerms AsGiven = new(false, null, BodyField);

    /// <summary>Reads the caps of a request (400 naming max_fee or the header for anything malformed).</summary>
    public static FeeTerms Read(HttpContext http, JsonElement body, bool operatorDefault)
    {
        ArgumentNullException.ThrowIfNull(http);
        BigInteger? cap = null;
        var param = BodyField;
        if (body.ValueKind == JsonValueKind.Object && JsonChecks.Has(body, BodyField, out var raw) && raw.ValueKind != JsonValueKind.Null)
        {
            cap = raw.ValueKind switch
            {
                JsonValueKind.Number => CnxNumber(raw),
                JsonValueKind.String => WeiText(JsonChecks.AsString(raw) ?? "", BodyField),
                _ => throw new ProblemException(Problem.BadRequest(BodyField, "max_fee must be a number of CNX (0.5) or a string of wei digits (\"500000000000000000\")")),
            };
        }
        var header = http.Request.Headers[Header];
        if (header.Count > 0)
        {
            if (header.Count > 1)
            {
                throw new ProblemException(Problem.BadRequest(Header, $"{Header} must be given once"));
            }
            var fromHeader = WeiText(header.ToString().Trim(), Header);
            if (cap is null || fromHeader < cap)
            {
                cap = fromHeader;
                param = Header;
            }
        }
        return new FeeTerms(operatorDefault, cap, param);
    }

    private static BigInteger CnxNumber(JsonElement raw)
    {
        var text = raw.GetRawText();
        if (text.StartsWith('-'))
        {
            throw new ProblemException(Problem.BadRequest(BodyField, $"max_fee must not be negative (got {text})"));
        }
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var cnx) || cnx > 1_000_000_000m)
        {
            throw new ProblemException(Problem.BadRequest(BodyField, $"max_fee {Quoted(text)} is too large: at most 1000000000 CNX"));
        }
        // Rounded down to whole wei: the cap never allows more than it says.
        return new BigInteger(decimal.Floor(cnx * 1_000_000_000_000_000_000m));
    }

    private static BigInteger WeiText(string text, string param)
    {
        if (text.Length == 0 || text.Length > 40 || !text.All(char.IsAsciiDigit))
        {
            throw new ProblemException(Problem.BadRequest(param,
                $"{param} {Quoted(text)} is not a fee in wei: a string of decimal digits (for example \"500000000000000000\" for 0.5 CNX)"));
        }
        var wei = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return wei <= MaxCapWei
            ? wei
            : throw new ProblemException(Problem.BadRequest(param, $"{param} {Quoted(text)} is too large: at most 10^27 wei (1000000000 CNX)"));
    }

    private static string Quoted(string text) => JsonSerializer.Serialize(text.Length > 60 ? text[..60] + "…" : text);

    /// <summary>The 402 for a fee above the cap: the price and the cap, nothing admitted.</summary>
    public Problem AboveCap(BigInteger feeWei, BigInteger capWei) => new(402, CapParam,
        $"This task costs {Fees.WeiToCnx(feeWei)} CNX ({feeWei} wei) at the current price, above your {CapParam} of {Fees.WeiToCnx(capWei)} CNX " +
        $"({capWei} wei). Nothing was admitted and nothing was charged; raise the cap or try again when the Relay's queue is cheaper.",
        "invalid_request_error", "fee_above_cap");
}
