using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;
using Dapper;

namespace Crynux.Bridge.Tests.Spend;

/// <summary>Spend limit, expiry and model allow-list as clients meet them, and the root-signed routes that set them.</summary>
public sealed class KeyControlTests
{
    private const string Token = "control-test-token";

    private static readonly string[] SdxlOnly = ["crynux-network/sdxl-turbo"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Chat(string model = "Qwen/Qwen2.5-7B") => new { model, messages = new[] { new { role = "user", content = "hi" } } };

    private static async Task<JsonElement> PatchAsync(TestBridge bridge, string clientId, object body)
    {
        using var list = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, $"v1/admin/keys?auth={Token}&limit=1000"), Ct);
        var id = (await TestBridge.JsonAsync(list)).GetProperty("data").GetProperty("keys").EnumerateArray()
            .Single(k => k.GetProperty("client_id").GetString() == clientId).GetProperty("key_id").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(bridge.BaseUrl, $"v1/admin/keys/{id}?auth={Token}")) { Content = JsonContent.Create(body) };
        using var response = await bridge.Http.SendAsync(request, Ct);
        var json = await TestBridge.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json.GetProperty("data");
    }

    private static async Task<(long Tasks, long Used)> AdmittedAsync(TestBridge bridge)
    {
        await using var connection = await bridge.Service<Database>().OpenAsync(Ct);
        return (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM client_tasks"),
            await connection.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(used_count), 0) FROM api_keys"));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task The_spend_limit_is_never_overshot_by_200_concurrent_requests_and_refunds_are_given_back(string driver)
    {
        // No nodes: admitted tasks wait in the Relay's queue (charged), so what is held stays held until the queue times out.
        await using var bridge = await TestBridge.StartAsync(driver, configure: o => o.Admin.AuthToken = Token, devnet: o => o.Nodes.Clear());
        var key = (await SpendAccountingTests.CreateKeysAsync(bridge, 1))[0];
        var client = EthAddress.ToChecksum("0x" + "5000".PadLeft(40, 'a'));
        // 1 CNX a task, held three times over (a validation group) until the task closes: 10 tasks fit in 30 CNX.
        await PatchAsync(bridge, client, new { spend_limit_cnx = "30" });
        var fee = "1000000000000000000";

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await bridge.PostAsync("v1/inference_tasks", SpendAccountingTests.Task(0, i, unknownModel: false, fee), key);
            return (response.StatusCode, Json: await TestBridge.JsonAsync(response));
        }));
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var refused = answers.Where(a => a.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(190, refused.Count);
        Assert.All(refused, a =>
        {
            Assert.Equal((HttpStatusCode)402, a.StatusCode);
            Assert.Equal("spend_limit_exceeded", a.Json.GetProperty("message").GetString());
            Assert.Contains("spend limit of 30 CNX", a.Json.GetProperty("data").GetProperty("message").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal((10, 10), await AdmittedAsync(bridge));
        await SpendAccountingTests.WaitForRelayTasksAsync(bridge, 10);
        Assert.Equal(TestBridge.Cnx * 1_000_000 - 10 * TestBridge.Cnx, bridge.Devnet.Control.GetBalance(bridge.Wallet.Address));

        // The queue times out: every fee is refunded, the tasks close, and the whole limit is free again.
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(101));
        bridge.Devnet.Control.RunDueTimers();
        await SpendAccountingTests.WaitAllClosedAsync(bridge, 10);
        await using (var connection = await bridge.Service<Database>().OpenAsync(Ct))
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT spend_held_gwei FROM api_keys WHERE client_id = @client", new { client }));
        }
        using var list = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, $"v1/admin/keys?auth={Token}"), Ct);
        var row = (await TestBridge.JsonAsync(list)).GetProperty("data").GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("client_id").GetString() == client);
        Assert.Equal("0", row.GetProperty("spent_wei").GetString());
        Assert.Equal(10, row.GetProperty("failures").GetInt64());
        using var again = await bridge.PostAsync("v1/inference_tasks", SpendAccountingTests.Task(0, 1000, unknownModel: false, fee), key);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task An_expired_key_is_401_in_each_route_familys_envelope_and_spends_nothing()
    {
        await using var bridge = await TestBridge.StartAsync(configure: o => o.Admin.AuthToken = Token);
        var client = EthAddress.ToChecksum("0x" + new string('1', 40));
        await PatchAsync(bridge, client, new { expires_at = "2020-01-01T00:00:00Z" });

        using var chat = await bridge.PostAsync("v1/chat/completions", Chat());
        var openAi = await TestBridge.JsonAsync(chat);
        Assert.Equal(HttpStatusCode.Unauthorized, chat.StatusCode);
        Assert.Equal("expired_api_key", openAi.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("expired", openAi.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        using var raw = await bridge.PostAsync("v1/inference_tasks", TaskWorkflowTestsLlm());
        var native = await TestBridge.JsonAsync(raw);
        Assert.Equal(HttpStatusCode.Unauthorized, raw.StatusCode);
        Assert.Equal("unauthorized", native.GetProperty("message").GetString());
        Assert.Contains("expired", native.GetProperty("data").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((0, 0), await AdmittedAsync(bridge));

        // Given a new expiry, the key works again.
        await PatchAsync(bridge, client, new JsonObject { ["expires_at"] = null });
        using var ok = await bridge.PostAsync("v1/chat/completions", Chat());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    private static object TaskWorkflowTestsLlm() => TestTasks.LlmTask();

    [Fact]
    public async Task A_model_outside_the_allow_list_is_403_naming_it_and_spends_nothing()
    {
        await using var bridge = await TestBridge.StartAsync(configure: o => o.Admin.AuthToken = Token);
        var client = EthAddress.ToChecksum("0x" + new string('1', 40));
        await PatchAsync(bridge, client, new { models = SdxlOnly });

        using var chat = await bridge.PostAsync("v1/chat/completions", Chat());
        var openAi = await TestBridge.JsonAsync(chat);
        Assert.Equal(HttpStatusCode.Forbidden, chat.StatusCode);
        Assert.Equal("model_not_allowed", openAi.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("model", openAi.GetProperty("error").GetProperty("param").GetString());
        Assert.Contains("'Qwen/Qwen2.5-7B'", openAi.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        using var raw = await bridge.PostAsync("v1/inference_tasks", TaskWorkflowTestsLlm());
        var native = await TestBridge.JsonAsync(raw);
        Assert.Equal(HttpStatusCode.Forbidden, raw.StatusCode);
        Assert.Equal("model", native.GetProperty("data").GetProperty("field_name").GetString());
        Assert.Equal((0, 0), await AdmittedAsync(bridge));

        // The allowed model (given with its variant on the wire) still runs.
        var image = await bridge.RunRawAsync(TestTasks.SdTask(1));
        Assert.Equal(ClientTaskStatus.Success, image.Status);
    }

    private static async Task<HttpResponseMessage> SignedAsync(TestBridge bridge, string path, EthKey signer, JsonObject signedPayload, JsonObject body)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        body["timestamp"] = ts;
        body["signature"] = SignedRequest.Sign(signer, signedPayload, ts);
        return await bridge.Http.PostAsync(new Uri(bridge.BaseUrl, path), JsonContent.Create(body), Ct);
    }

    [Fact]
    public async Task Root_sets_expiry_spend_limit_and_models_by_signature_and_no_other_signature_changes_anything()
    {
        await using var bridge = await TestBridge.StartAsync();
        var client = EthAddress.ToChecksum("0x" + new string('1', 40));
        var other = EthAddress.ToChecksum("0x" + new string('2', 40));
        await bridge.CreateKeyAsync(other, "chat", 0, 0);
        var keys = bridge.Service<ApiKeyStore>();

        using (var limit = await SignedAsync(bridge, $"v1/api_key/{client}/spend_limit", bridge.Wallet,
                   new JsonObject { ["client_id"] = client, ["spend_limit_cnx"] = "2.5" }, new JsonObject { ["spend_limit_cnx"] = "2.5" }))
        {
            var json = await TestBridge.JsonAsync(limit);
            Assert.True(limit.StatusCode == HttpStatusCode.OK, json.ToString());
            Assert.Equal("2.5", json.GetProperty("data").GetProperty("spend_limit_cnx").GetString());
        }
        using (var models = await SignedAsync(bridge, $"v1/api_key/{client}/models", bridge.Wallet,
                   new JsonObject { ["client_id"] = client, ["models"] = new JsonArray("Qwen/Qwen2.5-7B") }, new JsonObject { ["models"] = new JsonArray("Qwen/Qwen2.5-7B") }))
        {
            Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        }
        using (var expiry = await SignedAsync(bridge, $"v1/api_key/{client}/expires_at", bridge.Wallet,
                   new JsonObject { ["client_id"] = client, ["expires_at"] = 1_900_000_000 }, new JsonObject { ["expires_at"] = 1_900_000_000 }))
        {
            Assert.Equal(HttpStatusCode.OK, expiry.StatusCode);
        }
        var key = (await keys.FindByClientAsync(client, Ct))!;
        Assert.Equal(2_500_000_000, key.SpendLimitGwei);
        Assert.Equal(["Qwen/Qwen2.5-7B"], key.ModelList!);
        Assert.Equal(1_900_000_000, key.ExpiresAt);
        var before = JsonSerializer.Serialize(await keys.FindByClientAsync(other, Ct));

        // Another account; root's signature for another client's route; a bad value; a missing field: nothing changes.
        using (var stranger = await SignedAsync(bridge, $"v1/api_key/{other}/spend_limit", EthKey.Generate(),
                   new JsonObject { ["client_id"] = other, ["spend_limit_cnx"] = "1" }, new JsonObject { ["spend_limit_cnx"] = "1" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        }
        using (var forAnother = await SignedAsync(bridge, $"v1/api_key/{other}/spend_limit", bridge.Wallet,
                   new JsonObject { ["client_id"] = client, ["spend_limit_cnx"] = "1" }, new JsonObject { ["spend_limit_cnx"] = "1" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forAnother.StatusCode);
        }
        using (var bad = await SignedAsync(bridge, $"v1/api_key/{other}/spend_limit", bridge.Wallet,
                   new JsonObject { ["client_id"] = other, ["spend_limit_cnx"] = "-1" }, new JsonObject { ["spend_limit_cnx"] = "-1" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("spend_limit_cnx", (await TestBridge.JsonAsync(bad)).GetProperty("data").GetProperty("field_name").GetString());
        }
        using (var missing = await SignedAsync(bridge, $"v1/api_key/{other}/models", bridge.Wallet,
                   new JsonObject { ["client_id"] = other }, []))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        }
        Assert.Equal(before, JsonSerializer.Serialize(await keys.FindByClientAsync(other, Ct)));
    }
}
