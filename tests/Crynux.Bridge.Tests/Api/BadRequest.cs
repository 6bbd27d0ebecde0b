using System.Text;

namespace Crynux.Bridge.Tests.Api;

/// <summary>One generated request that must be refused: what it is, and how it is sent.</summary>
internal sealed record BadRequest(string Route, string Method, string Path, string? ContentType, byte[]? Body, string? Authorization, string What,
    string? IdempotencyKey = null)
{
    public override string ToString() =>
        $"{Method} {Path} ({What}) content-type {ContentType ?? "-"} auth {(Authorization is null ? "-" : Authorization.Length > 20 ? Authorization[..20] + "…" : Authorization)}" +
        $" body {(Body is null ? "-" : Encoding.UTF8.GetString(Body.Length > 300 ? Body[..300] : Body))}";
}
