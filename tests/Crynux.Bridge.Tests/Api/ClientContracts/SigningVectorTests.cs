using System.Net;
using System.Net.Http.Json;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Bridge.Tests.Api.ClientContracts;

/// <summary>
/// The published signing vectors of the bridge-minted key routes, sent through real HTTP to a bridge whose root account
/// is the vectors' key and whose clock stands at the vectors' timestamp.
/// </summary>
public sealed class SigningVectorTests : IAsyncLifetime
{
    private const string RootKey = "0x420fcabfd5dbb55215490693062e6e530840c64de837d071f0d9da21aaac861e";
    private const string SampleKey = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
    private const long Timestamp = 1700000000;

    private TestBridge _devnet = null!;
    private WebApplication _app = null!;
    private Uri _baseUrl = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _devnet = await TestBridge.StartAsync(start: false);
        _app = await BridgeApp.BuildAsync(_devnet.Options, EthKey.FromHex(RootKey), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Timestamp)));
        await _app.StartAsync(Ct);
        _baseUrl = new Uri($"http://127.0.0.1:{_devnet.Options.Http.Port}/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await _devnet.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUrl, path)) { Content = JsonContent.Create(body) };
        return await _devnet.Http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Every_vector_passes_the_signature_and_signer_checks_and_acts()
    {
        Assert.Equal("0xd075aB490857256e6fc85d75d8315e7c9914e008", EthKey.FromHex(RootKey).Address);
        using var minted = await SendAsync(HttpMethod.Post, "v1/api_key", new
        {
            timestamp = Timestamp,
            signature = "0x502b8fa7ab90e4debb293d7c5038402e7c7a4be414528cd567db8da3737aaf0e73e7d13c83e10b86fcd235694d54df8badde4088ba7ebfb92acf5e919cf44ffc01",
        });
        Assert.True(minted.StatusCode == HttpStatusCode.OK, await minted.Content.ReadAsStringAsync(Ct));

        // The sample key of the vectors, as if minted earlier.
        var keys = _app.Services.GetRequiredService<ApiKeyStore>();
        var now = DateTimeOffset.FromUnixTimeSeconds(Timestamp);
        await keys.CreateOrRotateAsync(Guid.NewGuid().ToString(), ApiKeys.Hash(SampleKey), ApiKeys.Preview(SampleKey), now.AddDays(365).ToUnixTimeSeconds(), 20, 1,
            now.ToUnixTimeMilliseconds(), Ct);

        using var role = await SendAsync(HttpMethod.Post, $"v1/api_key/{SampleKey}/role", new
        {
            role = "chat",
            timestamp = Timestamp,
            signature = "0x3dd4470e186c3f417b139fbcf5093d26f3160423a71628a1f8a6a3231c2a3f67034631f4380f10fe9d251f995f161c46dadb564079af7dc371c05b35d15147e300",
        });
        Assert.True(role.StatusCode == HttpStatusCode.OK, await role.Content.ReadAsStringAsync(Ct));
        using var use = await SendAsync(HttpMethod.Post, $"v1/api_key/{SampleKey}/use_limit", new
        {
            use_limit = 1000,
            timestamp = Timestamp,
            signature = "0x965aa96ddce4118a29698d3bab5037b6036ba03d7a48e4accb1bd6b62b28946146f8e43893739987c3878c58520c431ae9892ed4b7cceebb021767280785316b01",
        });
        Assert.True(use.StatusCode == HttpStatusCode.OK, await use.Content.ReadAsStringAsync(Ct));
        using var rate = await SendAsync(HttpMethod.Post, $"v1/api_key/{SampleKey}/rate_limit", new
        {
            rate_limit = 60,
            timestamp = Timestamp,
            signature = "0x973366abd2d4c0d0875c75049a39af3816782a26bc96fb7b6d1dac1c4ca1d88b62a8619876a65dddad97947cae05b866c4a148649d4ab346c5482f784f9874fe00",
        });
        Assert.True(rate.StatusCode == HttpStatusCode.OK, await rate.Content.ReadAsStringAsync(Ct));
        var row = await keys.FindByHashAsync(ApiKeys.Hash(SampleKey), Ct);
        Assert.Equal(["chat"], row!.RoleList);
        Assert.Equal((1000, 60), (row.UseLimit, row.RateLimit));

        using var delete = await _devnet.Http.DeleteAsync(new Uri(_baseUrl, $"v1/api_key/{SampleKey}?timestamp={Timestamp}&signature=" +
            "0x2f194fc9ae78672162b012a56cd650984b83b4f80e115f2bdbe69a00a9b3e51f5bb734b5849af88684223c028d234b419e1b5ca910df9765d408eeb5a08582a900"), Ct);
        Assert.True(delete.StatusCode == HttpStatusCode.OK, await delete.Content.ReadAsStringAsync(Ct));
        Assert.Null(await keys.FindByHashAsync(ApiKeys.Hash(SampleKey), Ct));
    }

    [Fact]
    public async Task The_same_bytes_signed_by_another_key_are_refused_as_the_wrong_signer()
    {
        var other = EthKey.Generate();
        var signature = Hex.Encode(other.Sign(Keccak256.Hash(SignedRequest.Message(new System.Text.Json.Nodes.JsonObject(), Timestamp))));
        using var minted = await SendAsync(HttpMethod.Post, "v1/api_key", new { timestamp = Timestamp, signature });
        Assert.Equal(HttpStatusCode.Forbidden, minted.StatusCode);
        Assert.Contains("\"signature\"", await minted.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
