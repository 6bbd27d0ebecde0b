using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;
using Dapper;

namespace Crynux.Bridge.Tests.Api.ClientContracts;

/// <summary>Bridge-minted keys through real HTTP: mint over {}, manage by the key, use it on chat and images.</summary>
public sealed class MintedKeyTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _bridge = await TestBridge.StartAsync();

    public async ValueTask DisposeAsync() => await _bridge.DisposeAsync();

    private static string Sign(EthKey key, JsonObject payload, long timestamp) =>
        Hex.Encode(key.Sign(Keccak256.Hash(SignedRequest.Message(payload, timestamp))));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject payload, JsonObject? fields = null, EthKey? signer = null,
        long? timestamp = null, string? signature = null)
    {
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = fields?.DeepClone().AsObject() ?? [];
        body["timestamp"] = ts;
        body["signature"] = signature ?? Sign(signer ?? _bridge.Wallet, payload, ts);
        using var request = new HttpRequestMessage(method, new Uri(_bridge.BaseUrl, path)) { Content = JsonContent.Create(body) };
        return await _bridge.Http.SendAsync(request, Ct);
    }

    private async Task<string> MintAsync()
    {
        using var minted = await SendAsync(HttpMethod.Post, "v1/api_key", []);
        var json = await TestBridge.JsonAsync(minted);
        Assert.True(minted.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.Equal("success", json.GetProperty("message").GetString());
        Assert.True(json.GetProperty("data").GetProperty("expires_at").GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(Guid.TryParse(json.GetProperty("data").GetProperty("client_id").GetString(), out _));
        return json.GetProperty("data").GetProperty("api_key").GetString()!;
    }

    private Task<HttpResponseMessage> AddRoleAsync(string key, string role) =>
        SendAsync(HttpMethod.Post, $"v1/api_key/{key}/role", new JsonObject { ["api_key"] = key, ["role"] = role }, new JsonObject { ["role"] = role });

    private static object Chat() => new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Hi" } } };

    private static object Image() => new { model = "crynux-network/sdxl-turbo", prompt = "a lighthouse", n = 1, size = "512x512" };

    private async Task<long> CountAsync(string table)
    {
        await using var connection = await _bridge.Service<Database>().OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    [Fact]
    public async Task A_minted_key_gets_roles_and_limits_by_the_hosted_pages_calls_and_works_on_chat_and_images()
    {
        var key = await MintAsync();
        // No role yet: the key is known but may do nothing; the 403 names the role and how to add it.
        using var noRole = await _bridge.PostAsync("v1/chat/completions", Chat(), key);
        Assert.Equal(HttpStatusCode.Forbidden, noRole.StatusCode);

        using var chatRole = await AddRoleAsync(key, "chat");
        Assert.Equal(HttpStatusCode.OK, chatRole.StatusCode);
        using var rate = await SendAsync(HttpMethod.Post, $"v1/api_key/{key}/rate_limit", new JsonObject { ["api_key"] = key, ["rate_limit"] = 60 },
            new JsonObject { ["rate_limit"] = 60 });
        Assert.Equal(HttpStatusCode.OK, rate.StatusCode);
        using var use = await SendAsync(HttpMethod.Post, $"v1/api_key/{key}/use_limit", new JsonObject { ["api_key"] = key, ["use_limit"] = 1000 },
            new JsonObject { ["use_limit"] = 1000 });
        var described = await TestBridge.JsonAsync(use);
        Assert.Equal(HttpStatusCode.OK, use.StatusCode);
        Assert.Equal(1000, described.GetProperty("data").GetProperty("use_limit").GetInt64());
        Assert.Equal(60, described.GetProperty("data").GetProperty("rate_limit").GetInt64());

        using var chat = await _bridge.PostAsync("v1/chat/completions", Chat(), key);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        using var imageDenied = await _bridge.PostAsync("v1/images", Image(), key);
        Assert.Equal(HttpStatusCode.Forbidden, imageDenied.StatusCode);
        Assert.Contains("image", await imageDenied.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // The URL-encoded form of the key (%3D for '=') names the same key.
        var encoded = Uri.EscapeDataString(key);
        using var imageRole = await SendAsync(HttpMethod.Post, $"v1/api_key/{encoded}/role", new JsonObject { ["api_key"] = key, ["role"] = "image" },
            new JsonObject { ["role"] = "image" });
        Assert.Equal(HttpStatusCode.OK, imageRole.StatusCode);
        using var image = await _bridge.PostAsync("v1/images", Image(), key);
        var images = await TestBridge.JsonAsync(image);
        Assert.True(image.StatusCode == HttpStatusCode.OK, images.ToString());
        Assert.StartsWith("iVBOR", images.GetProperty("data")[0].GetProperty("b64_json").GetString(), StringComparison.Ordinal);

        var clientId = described.GetProperty("data").GetProperty("client_id").GetString()!;
        var row = await _bridge.Service<ApiKeyStore>().FindByClientAsync(clientId, Ct);
        Assert.Equal(2, row!.UsedCount);

        // Removing a role (adding and removing sign the same object, so another timestamp), then deleting the key signed in
        // the query: it stops working at once.
        using var removed = await SendAsync(HttpMethod.Delete, $"v1/api_key/{key}/role", new JsonObject { ["api_key"] = key, ["role"] = "chat" },
            new JsonObject { ["role"] = "chat" }, timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        using var chatGone = await _bridge.PostAsync("v1/chat/completions", Chat(), key);
        Assert.Equal(HttpStatusCode.Forbidden, chatGone.StatusCode);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = Sign(_bridge.Wallet, new JsonObject { ["api_key"] = key }, ts);
        using var delete = await _bridge.Http.DeleteAsync(new Uri(_bridge.BaseUrl, $"v1/api_key/{key}?timestamp={ts}&signature={signature}"), Ct);
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        using var afterDelete = await _bridge.PostAsync("v1/images", Image(), key);
        Assert.Equal(HttpStatusCode.Unauthorized, afterDelete.StatusCode);
    }

    [Fact]
    public async Task Bad_input_on_the_minted_key_routes_is_a_4xx_naming_the_field_and_writes_nothing()
    {
        var key = await MintAsync();
        var keys = await CountAsync("api_keys");
        var stranger = EthKey.Generate();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var cases = new List<(Func<Task<HttpResponseMessage>> Send, int Status, string Field)>
        {
            // A segment that is neither an address nor a key.
            (() => AddRoleAsync("not-a-key", "chat"), 400, "api_key"),
            (() => AddRoleAsync("0x1234", "chat"), 400, "client_id"),
            // A well-formed key that the bridge never minted.
            (() => AddRoleAsync(Crynux.Bridge.Auth.ApiKeys.NewKey(), "chat"), 400, "api_key"),
            (() => AddRoleAsync(key, "owner"), 400, "role"),
            // A key is minted with POST /v1/api_key, not created under its own path.
            (() => SendAsync(HttpMethod.Post, $"v1/api_key/{key}", new JsonObject { ["api_key"] = key }), 400, "api_key"),
            (() => SendAsync(HttpMethod.Post, $"v1/api_key/{key}/use_limit", new JsonObject { ["api_key"] = key, ["use_limit"] = "many" },
                new JsonObject { ["use_limit"] = "many" }), 400, "use_limit"),
            (() => SendAsync(HttpMethod.Post, $"v1/api_key/{key}/rate_limit", new JsonObject { ["api_key"] = key, ["rate_limit"] = -1 },
                new JsonObject { ["rate_limit"] = -1 }), 400, "rate_limit"),
            // Signed by someone else than root; signed over the address form of the object; stale.
            (() => SendAsync(HttpMethod.Post, "v1/api_key", [], signer: stranger), 403, "signature"),
            (() => SendAsync(HttpMethod.Post, $"v1/api_key/{key}/role", new JsonObject { ["client_id"] = key, ["role"] = "admin" },
                new JsonObject { ["role"] = "admin" }), 403, "signature"),
            (() => SendAsync(HttpMethod.Post, "v1/api_key", [], timestamp: ts - 120), 401, "signature"),
            (() => SendAsync(HttpMethod.Post, "v1/api_key", [], signature: "0x1234"), 401, "signature"),
            (async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_bridge.BaseUrl, "v1/api_key")) { Content = JsonContent.Create(new { signature = "0x00" }) };
                return await _bridge.Http.SendAsync(request, Ct);
            }, 400, "timestamp"),
        };
        foreach (var (send, status, field) in cases)
        {
            using var response = await send();
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode} {text}");
            Assert.Contains($"\"{field}\"", text, StringComparison.Ordinal);
        }
        // A replayed mint: the first one mints, the same signature again does not (half a minute before the mint above,
        // whose signature over the same bytes would be the same: signing is deterministic).
        var payload = new JsonObject();
        var signature = Sign(_bridge.Wallet, payload, ts - 30);
        using var first = await SendAsync(HttpMethod.Post, "v1/api_key", payload, timestamp: ts - 30, signature: signature);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var replay = await SendAsync(HttpMethod.Post, "v1/api_key", payload, timestamp: ts - 30, signature: signature);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(keys + 1, await CountAsync("api_keys"));
        var row = await _bridge.Service<ApiKeyStore>().FindByHashAsync(Crynux.Bridge.Auth.ApiKeys.Hash(key), Ct);
        Assert.Empty(row!.RoleList);
    }
}
