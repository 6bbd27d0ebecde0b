using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;
using Dapper;

namespace Crynux.Bridge.Tests.Spend;

/// <summary>The key list and key changes: admin token, root signature, and bad input that changes nothing.</summary>
public sealed class KeyAdminApiTests : IAsyncLifetime
{
    private const string Token = "admin-token-for-tests";

    private static readonly string[] ChatOnly = ["chat"];
    private static readonly string[] Qwen = ["Qwen/Qwen2.5-7B"];

    private TestBridge _bridge = null!;

    private static string Strings(JsonElement array) => string.Join(',', array.EnumerateArray().Select(r => r.GetString()));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _bridge = await TestBridge.StartAsync(configure: o => o.Admin.AuthToken = Token);

    public async ValueTask DisposeAsync() => await _bridge.DisposeAsync();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_bridge.BaseUrl, path));
        if (body is not null)
        {
            request.Content = body is string text ? new StringContent(text, Encoding.UTF8, "application/json") : JsonContent.Create(body);
        }
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }
        return await _bridge.Http.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var json = await TestBridge.JsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {json}");
            Assert.Equal("success", json.GetProperty("message").GetString());
            return json.GetProperty("data");
        }
    }

    private async Task<string> KeysSnapshotAsync()
    {
        await using var connection = await _bridge.Service<Database>().OpenAsync(Ct);
        var rows = await connection.QueryAsync("SELECT * FROM api_keys ORDER BY id");
        return JsonSerializer.Serialize(rows);
    }

    [Fact]
    public async Task The_admin_list_shows_every_key_with_controls_usage_and_spend_and_never_the_key()
    {
        var data = await OkAsync(await SendAsync(HttpMethod.Get, $"v1/admin/keys?auth={Token}"));
        Assert.Equal(1, data.GetProperty("total").GetInt64());
        var key = Assert.Single(data.GetProperty("keys").EnumerateArray().ToList());
        Assert.Equal(EthAddress.ToChecksum("0x" + new string('1', 40)), key.GetProperty("client_id").GetString());
        Assert.Equal(_bridge.ApiKey[..4] + "..." + _bridge.ApiKey[^4..], key.GetProperty("key_preview").GetString());
        Assert.Equal("chat,image", Strings(key.GetProperty("roles")));
        Assert.Equal(JsonValueKind.Null, key.GetProperty("use_limit").ValueKind);
        Assert.Equal(JsonValueKind.Null, key.GetProperty("rate_limit").ValueKind);
        Assert.Equal(JsonValueKind.Null, key.GetProperty("spend_limit_cnx").ValueKind);
        Assert.Equal(JsonValueKind.Null, key.GetProperty("models").ValueKind);
        Assert.Equal("0", key.GetProperty("spent_wei").GetString());
        Assert.Equal(0, key.GetProperty("tasks").GetInt64());
        Assert.True(DateTimeOffset.TryParse(key.GetProperty("expires_at").GetString(), out _));
        Assert.True(DateTimeOffset.TryParse(key.GetProperty("created_at").GetString(), out _));
        Assert.DoesNotContain(_bridge.ApiKey, key.ToString(), StringComparison.Ordinal);

        // The same with the token as a bearer.
        var bearer = await OkAsync(await SendAsync(HttpMethod.Get, "v1/admin/keys", bearer: Token));
        Assert.Equal(1, bearer.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_missing_or_wrong_token_is_401_unauthorized_and_changes_nothing()
    {
        var before = await KeysSnapshotAsync();
        foreach (var path in (string[])["v1/admin/keys?", "v1/admin/keys?auth=", "v1/admin/keys?auth=wrong", "v1/admin/keys?auth=admin-token-for-test",
                     "v1/admin/spend/days?auth=wrong"])
        {
            using var response = await SendAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("{\"message\":\"unauthorized\"}", await response.Content.ReadAsStringAsync(Ct));
            using var patch = await SendAsync(HttpMethod.Patch, "v1/admin/keys/1" + path[path.IndexOf('?', StringComparison.Ordinal)..], new { use_limit = 5 });
            Assert.Equal(HttpStatusCode.Unauthorized, patch.StatusCode);
        }
        using var wrongBearer = await SendAsync(HttpMethod.Patch, "v1/admin/keys/1", new { use_limit = 5 }, bearer: "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongBearer.StatusCode);
        Assert.Equal(before, await KeysSnapshotAsync());
    }

    [Fact]
    public async Task With_no_configured_token_every_admin_call_is_refused()
    {
        _bridge.Options.Admin.AuthToken = "";
        using var response = await SendAsync(HttpMethod.Get, "v1/admin/keys?auth=");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var bearer = await SendAsync(HttpMethod.Get, "v1/admin/keys", bearer: "");
        Assert.Equal(HttpStatusCode.Unauthorized, bearer.StatusCode);
    }

    [Fact]
    public async Task A_patch_changes_every_control_and_the_list_shows_them()
    {
        var before = await OkAsync(await SendAsync(HttpMethod.Get, $"v1/admin/keys?auth={Token}"));
        var id = before.GetProperty("keys")[0].GetProperty("key_id").GetString();
        var changed = await OkAsync(await SendAsync(HttpMethod.Patch, $"v1/admin/keys/{id}?auth={Token}", new
        {
            roles = ChatOnly,
            use_limit = 7,
            rate_limit = 30,
            expires_at = "2031-05-06T07:08:09+02:00",
            spend_limit_cnx = "12.5",
            models = Qwen,
        }));
        Assert.Equal(id, changed.GetProperty("key_id").GetString());
        Assert.Equal("chat", Strings(changed.GetProperty("roles")));
        Assert.Equal(7, changed.GetProperty("use_limit").GetInt64());
        Assert.Equal(30, changed.GetProperty("rate_limit").GetInt64());
        Assert.Equal("2031-05-06T05:08:09Z", changed.GetProperty("expires_at").GetString());
        Assert.Equal("12.5", changed.GetProperty("spend_limit_cnx").GetString());
        Assert.Equal("Qwen/Qwen2.5-7B", Strings(changed.GetProperty("models")));

        // null clears the optional ones; a number is a CNX amount too.
        var cleared = await OkAsync(await SendAsync(HttpMethod.Patch, $"v1/admin/keys/{id}", new JsonObject
        {
            ["use_limit"] = null,
            ["expires_at"] = null,
            ["models"] = null,
            ["spend_limit_cnx"] = 0.000000001,
        }, bearer: Token));
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("use_limit").ValueKind);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("expires_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("models").ValueKind);
        Assert.Equal("0.000000001", cleared.GetProperty("spend_limit_cnx").GetString());
        Assert.Equal(30, cleared.GetProperty("rate_limit").GetInt64());

        var listed = await OkAsync(await SendAsync(HttpMethod.Get, $"v1/admin/keys?auth={Token}"));
        Assert.Equal(cleared.ToString(), listed.GetProperty("keys")[0].ToString());
    }

    private static readonly (string Body, string Field)[] BadPatches =
    [
            ("{\"use_limit\":-1}", "use_limit"),
            ("{\"use_limit\":1125899906842625}", "use_limit"),
            ("{\"use_limit\":1.5}", "use_limit"),
            ("{\"rate_limit\":\"sixty\"}", "rate_limit"),
            ("{\"roles\":[\"chat\",\"root\"]}", "roles"),
            ("{\"roles\":\"chat\"}", "roles"),
            ("{\"expires_at\":\"tomorrow\"}", "expires_at"),
            ("{\"expires_at\":1900000000}", "expires_at"),
            ("{\"spend_limit_cnx\":\"-1\"}", "spend_limit_cnx"),
            ("{\"spend_limit_cnx\":\"1.0000000001\"}", "spend_limit_cnx"),
            ("{\"spend_limit_cnx\":1e-10}", "spend_limit_cnx"),
            ("{\"spend_limit_cnx\":1e300}", "spend_limit_cnx"),
            ("{\"spend_limit_cnx\":\"1000000000\"}", "spend_limit_cnx"),
            ("{\"models\":[]}", "models"),
            ("{\"models\":[\"\\ud800\"]}", "models"),
            ("{\"models\":\"Qwen/Qwen2.5-7B\"}", "models"),
            ("{\"use_limit\":5,\"owner\":\"me\"}", "owner"),
            ("{\"use_limit\":5,\"use_limit\":6}", "use_limit"),
            ("{\"use_limit\":5,\"models\":[1]}", "models"),
    ];

    [Fact]
    public async Task A_bad_field_is_400_naming_it_and_nothing_changes()
    {
        var before = await KeysSnapshotAsync();
        var id = (await OkAsync(await SendAsync(HttpMethod.Get, $"v1/admin/keys?auth={Token}"))).GetProperty("keys")[0].GetProperty("key_id").GetString();
        foreach (var (body, field) in BadPatches)
        {
            using var response = await SendAsync(HttpMethod.Patch, $"v1/admin/keys/{id}?auth={Token}", body);
            var json = await TestBridge.JsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body + " " + json);
            Assert.Equal("validation_error", json.GetProperty("message").GetString());
            Assert.Equal(field, json.GetProperty("data").GetProperty("field_name").GetString());
        }
        Assert.Equal(before, await KeysSnapshotAsync());
    }

    [Fact]
    public async Task An_unknown_key_is_404()
    {
        var before = await KeysSnapshotAsync();
        foreach (var id in (string[])["999", "abc", "-1", "0"])
        {
            using var response = await SendAsync(HttpMethod.Patch, $"v1/admin/keys/{id}?auth={Token}", new { use_limit = 5 });
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.Equal(before, await KeysSnapshotAsync());
    }

    [Fact]
    public async Task A_malformed_page_or_filter_is_400_naming_it()
    {
        (string Path, string Field)[] cases =
        [
            ("keys?limit=0", "limit"), ("keys?limit=1001", "limit"), ("keys?limit=99999999999999999999", "limit"), ("keys?limit=ten", "limit"),
            ("keys?limit=1&limit=2", "limit"), ("keys?offset=-1", "offset"), ("keys?offset=1.5", "offset"),
            ("spend/days?days=0", "days"), ("spend/days?days=367", "days"), ("spend/days?days=NaN", "days"),
        ];
        foreach (var (path, field) in cases)
        {
            using var response = await SendAsync(HttpMethod.Get, $"v1/admin/{path}&auth={Token}");
            var json = await TestBridge.JsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, path + " " + json);
            Assert.Equal(field, json.GetProperty("data").GetProperty("field_name").GetString());
        }
        using var unknownKey = await SendAsync(HttpMethod.Get, $"v1/admin/spend/days?key_id=x&auth={Token}");
        Assert.Equal(HttpStatusCode.NotFound, unknownKey.StatusCode);
    }

    [Fact]
    public async Task Pages_follow_limit_and_offset()
    {
        for (var i = 2; i <= 5; i++)
        {
            await _bridge.CreateKeyAsync("0x" + new string((char)('0' + i), 40), "chat", 0, 0);
        }
        var first = await OkAsync(await SendAsync(HttpMethod.Get, $"v1/admin/keys?auth={Token}&limit=2"));
        var rest = await OkAsync(await SendAsync(HttpMethod.Get, $"v1/admin/keys?auth={Token}&limit=1000&offset=2"));
        Assert.Equal(5, first.GetProperty("total").GetInt64());
        Assert.Equal(2, first.GetProperty("keys").GetArrayLength());
        Assert.Equal(3, rest.GetProperty("keys").GetArrayLength());
        var ids = first.GetProperty("keys").EnumerateArray().Concat(rest.GetProperty("keys").EnumerateArray()).Select(k => k.GetProperty("key_id").GetString()).ToList();
        Assert.Equal(5, ids.Distinct().Count());
    }

    private async Task<HttpResponseMessage> SignedListAsync(EthKey signer, JsonObject payload, string query = "")
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = Hex.Encode(signer.Sign(Keccak256.Hash(SignedRequest.Message(payload, ts))));
        return await SendAsync(HttpMethod.Get, $"v1/api_keys?timestamp={ts}&signature={signature}{query}");
    }

    [Fact]
    public async Task Root_lists_the_keys_by_signature_and_no_one_else_can()
    {
        var admin = await OkAsync(await SendAsync(HttpMethod.Get, $"v1/admin/keys?auth={Token}&limit=5"));
        var signed = await OkAsync(await SignedListAsync(_bridge.Wallet, new JsonObject { ["action"] = "list_api_keys", ["limit"] = 5 }, "&limit=5"));
        Assert.Equal(admin.ToString(), signed.ToString());

        // Another account, a signature over other query values, a signature of another route's payload: refused.
        using var other = await SignedListAsync(EthKey.Generate(), new JsonObject { ["action"] = "list_api_keys" });
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using var otherQuery = await SignedListAsync(_bridge.Wallet, new JsonObject { ["action"] = "list_api_keys", ["limit"] = 5 }, "&limit=6");
        Assert.Equal(HttpStatusCode.Forbidden, otherQuery.StatusCode);
        using var mintSignature = await SignedListAsync(_bridge.Wallet, []);
        Assert.Equal(HttpStatusCode.Forbidden, mintSignature.StatusCode);
        using var unsigned = await SendAsync(HttpMethod.Get, "v1/api_keys");
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
    }
}
