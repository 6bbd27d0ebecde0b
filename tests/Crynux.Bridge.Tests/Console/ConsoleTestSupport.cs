using System.Net;
using System.Text.Json;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.OperatorConsole;

/// <summary>A bridge with an admin token, and GETs of the admin routes.</summary>
internal static class ConsoleTestSupport
{
    public const string Token = "test-admin-token-0123456789";

    public static Task<TestBridge> StartAsync(string driver = "sqlite", Action<global::Crynux.Devnet.DevnetOptions>? devnet = null, bool unselectedSeeds = true,
        Action<global::Crynux.Bridge.Configuration.BridgeOptions>? configure = null) =>
        TestBridge.StartAsync(driver, devnet, unselectedSeeds: unselectedSeeds, configure: o =>
        {
            o.Admin.AuthToken = Token;
            configure?.Invoke(o);
        });

    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(TestBridge bridge, string path, string? bearer = null, Uri? baseUrl = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl ?? bridge.BaseUrl, path));
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }
        using var response = await bridge.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
