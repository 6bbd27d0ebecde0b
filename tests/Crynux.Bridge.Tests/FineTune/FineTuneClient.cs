using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.FineTune;

/// <summary>The fine-tune routes as a client calls them, and what the tests read back.</summary>
internal static class FineTuneClient
{
    public static Dictionary<string, object> Body() => new()
    {
        ["model_name"] = "crynux-network/stable-diffusion-v1-5",
        ["dataset_name"] = "lambdalabs/naruto-blip-captions",
        ["validation_prompt"] = "a naruto character",
        ["max_train_steps"] = 100,
        ["seed"] = 42,
    };

    public static async Task<HttpResponseMessage> PostJsonAsync(TestBridge bridge, object body, string? key = null) =>
        await bridge.PostAsync("v1/images/models", body, key);

    /// <summary>A multipart create: text fields as form values, and each checkpoint as a part named "checkpoint".</summary>
    public static async Task<HttpResponseMessage> PostMultipartAsync(TestBridge bridge, IReadOnlyDictionary<string, string> fields, params byte[][] checkpoints)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value, Encoding.UTF8), name);
        }
        foreach (var checkpoint in checkpoints)
        {
            form.Add(new ByteArrayContent(checkpoint), "checkpoint", "checkpoint.zip");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge.BaseUrl, "v1/images/models")) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bridge.ApiKey);
        return await bridge.Http.SendAsync(request);
    }

    public static async Task<long> CreateAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var json = await TestBridge.JsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
            Assert.Equal("running", json.GetProperty("data").GetProperty("status").GetString());
            return json.GetProperty("data").GetProperty("id").GetInt64();
        }
    }

    public static async Task<JsonElement> StatusAsync(TestBridge bridge, long id, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(bridge.BaseUrl, $"v1/images/models/{id}/status"));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        using var response = await bridge.Http.SendAsync(request);
        var json = await TestBridge.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json.GetProperty("data");
    }

    public static async Task<HttpResponseMessage> ResultAsync(TestBridge bridge, long id, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(bridge.BaseUrl, $"v1/images/models/{id}/result"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? bridge.ApiKey);
        return await bridge.Http.SendAsync(request);
    }

    /// <summary>The job's rounds (original Relay tasks), oldest first.</summary>
    public static async Task<List<InferenceTaskRow>> RoundsAsync(TestBridge bridge, long id) =>
        [.. (await bridge.Service<TaskStore>().GetMembersAsync(id, TestContext.Current.CancellationToken)).Where(m => m.IsOriginal)];

    /// <summary>A ZIP with the given entries (name → text).</summary>
    public static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        return buffer.ToArray();
    }

    public static IReadOnlyList<string> EntryNames(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        return [.. archive.Entries.Select(e => e.FullName).Order()];
    }
}
