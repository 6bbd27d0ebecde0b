namespace Crynux.Crypto;

/// <summary>Thrown for malformed cryptographic input: bad hex, wrong lengths, keys out of range, points off the curve, bad v.</summary>
public sealed class CryptoFormatException : FormatException
{
    public CryptoFormatException(string message) : base(message) { }

    public CryptoFormatException(string message, Exception innerException) : base(message, innerException) { }

    public CryptoFormatException() { }
}
