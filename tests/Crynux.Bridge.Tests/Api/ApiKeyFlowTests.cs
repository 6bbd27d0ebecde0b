using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;

namespace Crynux.Bridge.Tests.Api;

/// <summary>The API-key routes with signatures made the ways the product docs' examples make them.</summary>
public sealed class ApiKeyFlowTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _bridge = await TestBridge.StartAsync();

    public async ValueTask DisposeAsync() => await _bridge.DisposeAsync();

    public enum Form
    {
        /// <summary>Python eth_account signHash, then v − 27 (v ∈ {0,1}).</summary>
        Raw,
        /// <summary>The same, v left at 27/28.</summary>
        RawLegacyV,
        /// <summary>JavaScript web3 account.sign(keccakHex), then v − 27: EIP-191 over the 32-byte digest.</summary>
        PersonalOverDigest,
        /// <summary>EIP-191 personal_sign over the message bytes themselves (ethers signMessage), v 27/28.</summary>
        PersonalOverMessage,
    }

    private static string Sign(EthKey key, JsonObject payload, long timestamp, Form form)
    {
        var message = SignedRequest.Message(payload, timestamp);
        var signature = form switch
        {
            Form.PersonalOverDigest => key.Sign(EthSignature.PersonalMessageHash(Keccak256.Hash(message))),
            Form.PersonalOverMessage => key.Sign(EthSignature.PersonalMessageHash(message)),
            _ => key.Sign(Keccak256.Hash(message)),
        };
        if (form is Form.RawLegacyV or Form.PersonalOverMessage)
        {
            signature[64] += 27;
        }
        return Hex.Encode(signature);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, EthKey signer, JsonObject payload, Form form = Form.Raw,
        long? timestamp = null, JsonObject? extra = null)
    {
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = extra?.DeepClone().AsObject() ?? [];
        body["timestamp"] = ts;
        body["signature"] = Sign(signer, payload, ts, form);
        using var request = new HttpRequestMessage(method, new Uri(_bridge.BaseUrl, path)) { Content = JsonContent.Create(body) };
        return await _bridge.Http.SendAsync(request, Ct);
    }

    [Theory]
    [InlineData(Form.Raw)]
    [InlineData(Form.RawLegacyV)]
    [InlineData(Form.PersonalOverDigest)]
    [InlineData(Form.PersonalOverMessage)]
    public async Task A_client_creates_its_own_key_with_each_signature_form_and_root_gives_it_a_role(Form form)
    {
        var client = EthKey.Generate();
        using var created = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}", client, new JsonObject { ["client_id"] = client.Address }, form);
        var json = await TestBridge.JsonAsync(created);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var key = json.GetProperty("data").GetProperty("api_key").GetString()!;
        Assert.True(json.GetProperty("data").GetProperty("expires_at").GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        // No role yet: the key authenticates but may not chat.
        using var denied = await _bridge.PostAsync("v1/chat/completions", Chat(), key);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        using var role = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}/role", _bridge.Wallet,
            new JsonObject { ["client_id"] = client.Address, ["role"] = "chat" }, form, extra: new JsonObject { ["role"] = "chat" });
        Assert.Equal(HttpStatusCode.OK, role.StatusCode);
        using var chat = await _bridge.PostAsync("v1/chat/completions", Chat(), key);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    [Fact]
    public async Task A_signature_is_accepted_once_and_a_stale_one_never()
    {
        var client = EthKey.Generate();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new JsonObject { ["client_id"] = client.Address };
        using var first = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}", client, payload, timestamp: ts);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var replay = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}", client, payload, timestamp: ts);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("already used", await replay.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // The same signature with v written as 27/28 is the same signature.
        using var legacy = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}", client, payload, Form.RawLegacyV, ts);
        Assert.Equal(HttpStatusCode.Unauthorized, legacy.StatusCode);
        using var stale = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}", client, payload, timestamp: ts - 120);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
    }

    [Fact]
    public async Task Only_root_sets_roles_and_limits_and_another_wallet_cannot_create_a_clients_key()
    {
        var client = EthKey.Generate();
        using var created = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}", client, new JsonObject { ["client_id"] = client.Address });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var selfRole = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}/role", client,
            new JsonObject { ["client_id"] = client.Address, ["role"] = "admin" }, extra: new JsonObject { ["role"] = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, selfRole.StatusCode);
        using var selfLimit = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}/use_limit", client,
            new JsonObject { ["client_id"] = client.Address, ["use_limit"] = 0 }, extra: new JsonObject { ["use_limit"] = 0 });
        Assert.Equal(HttpStatusCode.Forbidden, selfLimit.StatusCode);
        var stranger = EthKey.Generate();
        using var foreign = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}", stranger, new JsonObject { ["client_id"] = client.Address });
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        using var badRole = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}/role", _bridge.Wallet,
            new JsonObject { ["client_id"] = client.Address, ["role"] = "owner" }, extra: new JsonObject { ["role"] = "owner" });
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        var row = await _bridge.Service<ApiKeyStore>().FindByClientAsync(client.Address, Ct);
        Assert.Equal("", row!.Roles);
        Assert.Equal(_bridge.Options.Api.DefaultUseLimit, row.UseLimit);
    }

    [Fact]
    public async Task Rotating_a_key_keeps_roles_limits_and_usage_and_retires_the_old_secret()
    {
        var client = EthKey.Generate();
        var payload = new JsonObject { ["client_id"] = client.Address };
        using var created = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}", client, payload);
        var oldKey = (await TestBridge.JsonAsync(created)).GetProperty("data").GetProperty("api_key").GetString()!;
        using var role = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}/role", _bridge.Wallet,
            new JsonObject { ["client_id"] = client.Address, ["role"] = "chat" }, extra: new JsonObject { ["role"] = "chat" });
        using var limit = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}/use_limit", _bridge.Wallet,
            new JsonObject { ["client_id"] = client.Address, ["use_limit"] = 2 }, extra: new JsonObject { ["use_limit"] = 2 });
        Assert.Equal(HttpStatusCode.OK, limit.StatusCode);
        using var used = await _bridge.PostAsync("v1/chat/completions", Chat(), oldKey);
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);

        await Task.Delay(1100, Ct); // a new second: a new signature for the same request
        using var rotated = await SendAsync(HttpMethod.Post, $"v1/api_key/{client.Address}", client, payload);
        var newKey = (await TestBridge.JsonAsync(rotated)).GetProperty("data").GetProperty("api_key").GetString()!;
        Assert.NotEqual(oldKey, newKey);
        using var old = await _bridge.PostAsync("v1/chat/completions", Chat(), oldKey);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        var row = await _bridge.Service<ApiKeyStore>().FindByClientAsync(client.Address, Ct);
        Assert.Equal(1, row!.UsedCount);
        Assert.Equal(2, row.UseLimit);
        Assert.Equal("chat", row.Roles);
        using var second = await _bridge.PostAsync("v1/chat/completions", Chat(), newKey);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var third = await _bridge.PostAsync("v1/chat/completions", Chat(), newKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }

    private static object Chat() => new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "hi" } } };
}
