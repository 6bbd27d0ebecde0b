using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Dapper;

namespace Crynux.Bridge.Tests.Api;

/// <summary>Raw requests and the checks the input-safety tests share: each family's envelope, and "nothing changed".</summary>
internal static class SafetyChecks
{
    public const string Surrogate = "\\ud800";

    /// <summary>Sends exactly these bytes (no JSON re-encoding), so that lone surrogates and invalid UTF-8 reach the bridge.</summary>
    public static async Task<(int Status, string Body, HttpResponseMessage Response)> SendAsync(TestBridge bridge, HttpMethod method, string path,
        byte[]? body, string? contentType = "application/json", string? key = null)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        using var request = new HttpRequestMessage(method, new Uri(bridge.BaseUrl, path.TrimStart('/')));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        var response = await bridge.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, text, response);
    }

    public static Task<(int Status, string Body, HttpResponseMessage Response)> PostTextAsync(TestBridge bridge, string path, string json, string? key = null) =>
        SendAsync(bridge, HttpMethod.Post, path, Encoding.UTF8.GetBytes(json), key: key);

    /// <summary>The body is the envelope of the path's family; returns the field it names ("" or null when none).</summary>
    public static string? AssertEnvelope(string path, string body, int status)
    {
        JsonElement json;
        try
        {
            json = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            Assert.Fail($"{status} on {path} has no JSON envelope: '{body}'");
            throw;
        }
        if (global::Crynux.Bridge.Api.RouteFamily.IsOpenAi(path))
        {
            Assert.True(json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object, $"{status} on {path}: no OpenAI error: {body}");
            Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
            Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
            Assert.True(error.TryGetProperty("code", out _), body);
            var param = error.GetProperty("param");
            return param.ValueKind == JsonValueKind.String ? param.GetString() : null;
        }
        Assert.True(json.TryGetProperty("message", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() != "success",
            $"{status} on {path}: no product envelope: {body}");
        // The admin routes keep the upstream bridge's 401 body exactly, {"message":"unauthorized"} (docs/api.md §13.1).
        if (status == 401 && path.StartsWith("/v1/admin/", StringComparison.Ordinal) && body == """{"message":"unauthorized"}""")
        {
            return null;
        }
        var data = json.GetProperty("data");
        Assert.Equal(JsonValueKind.String, data.GetProperty("message").ValueKind);
        return data.GetProperty("field_name").GetString();
    }

    /// <summary>What a rejected request must not change: tasks, Relay tasks, keys (uses, roles, limits), signatures spent.</summary>
    public static async Task<string> SnapshotAsync(TestBridge bridge)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        await using var connection = await bridge.Service<Database>().OpenAsync(TestContext.Current.CancellationToken);
        var tasks = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM client_tasks");
        var members = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inference_tasks");
        var keys = await connection.QueryAsync<(string, string, long, long, long)>(
            "SELECT client_id, roles, use_limit, used_count, rate_limit FROM api_keys ORDER BY client_id");
        return $"tasks {tasks}, relay tasks {members}, relay creates {bridge.Devnet.Control.GetTasks().Count}, keys " + string.Join("; ", keys);
    }
}
