using System.Net;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Dapper;

namespace Crynux.Bridge.Tests.Api.ClientContracts;

/// <summary>Today's raw-task contract through real HTTP: wei fees, the one-segment read routes, batches and batch status.</summary>
public sealed class RawTaskApiTests
{
    private const string Client = "0x2222222222222222222222222222222222222222";
    private const string Other = "0x3333333333333333333333333333333333333333";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string LlmArgs(string text = "hello") =>
        $$$"""{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"{{{text}}}"}],"generation_config":{"max_new_tokens":8,"num_return_sequences":1},"seed":3,"dtype":"bfloat16"}""";

    private const string SdArgs =
        """{"base_model":{"name":"crynux-network/sdxl-turbo","variant":"fp16"},"prompt":"a red fox","task_config":{"image_width":256,"image_height":256,"steps":1,"seed":7,"num_images":2,"safety_checker":false,"cfg":0}}""";

    private static async Task<HttpResponseMessage> SendAsync(TestBridge bridge, HttpMethod method, string path, string key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(bridge.BaseUrl, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return await bridge.Http.SendAsync(request, Ct);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> JsonAsync(TestBridge bridge, HttpMethod method, string path, string key, string? json = null)
    {
        using var response = await SendAsync(bridge, method, path, key, json);
        return (response.StatusCode, await TestBridge.JsonAsync(response));
    }

    private static async Task<(long Tasks, long Used)> WrittenAsync(TestBridge bridge, string client)
    {
        await using var connection = await bridge.Service<Database>().OpenAsync(Ct);
        return (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM client_tasks"),
            await connection.ExecuteScalarAsync<long>("SELECT used_count FROM api_keys WHERE client_id = @client", new { client }));
    }

    [Fact]
    public async Task A_wei_fee_is_sent_as_is_and_results_are_read_by_id_after_the_use_limit_is_spent()
    {
        await using var bridge = await TestBridge.StartAsync();
        var key = await bridge.CreateKeyAsync(Client, "chat,image", useLimit: 2, rateLimit: 0);
        var llmBody = JsonSerializer.Serialize(new { task_args = LlmArgs(), task_type = 1, task_fee = "40602000000000" });
        var (status, created) = await JsonAsync(bridge, HttpMethod.Post, "v1/inference_tasks", key, llmBody);
        Assert.True(status == HttpStatusCode.OK, created.ToString());
        Assert.Equal(JsonValueKind.Number, created.GetProperty("data").GetProperty("client_id").ValueKind);
        var llm = created.GetProperty("data").GetProperty("id").GetInt64();
        var (sdStatus, sdCreated) = await JsonAsync(bridge, HttpMethod.Post, "v1/inference_tasks", key,
            JsonSerializer.Serialize(new { task_args = SdArgs, task_type = 0, task_fee = "2870000000000" }));
        Assert.True(sdStatus == HttpStatusCode.OK, sdCreated.ToString());
        var sd = sdCreated.GetProperty("data").GetProperty("id").GetInt64();
        Assert.Equal("success", (await bridge.WaitAsync(llm)).Status);
        Assert.Equal("success", (await bridge.WaitAsync(sd)).Status);
        // The string is the fee of one network task, not multiplied by the task size (2 images).
        Assert.Contains(bridge.Devnet.Control.GetTasks(), t => t.TaskFee == BigInteger.Parse("2870000000000", System.Globalization.CultureInfo.InvariantCulture) && t.TaskSize == 2);
        Assert.Contains(bridge.Devnet.Control.GetTasks(), t => t.TaskFee == BigInteger.Parse("40602000000000", System.Globalization.CultureInfo.InvariantCulture));

        // The use limit is spent: creating is refused, reading still works.
        var (refused, _) = await JsonAsync(bridge, HttpMethod.Post, "v1/inference_tasks", key, llmBody);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused);
        var (readStatus, read) = await JsonAsync(bridge, HttpMethod.Get, $"v1/inference_tasks/{llm}", key);
        Assert.Equal(HttpStatusCode.OK, readStatus);
        Assert.Equal("success", read.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(created.GetProperty("data").GetProperty("client_id").GetInt64(), read.GetProperty("data").GetProperty("client_id").GetInt64());

        using (var result = await SendAsync(bridge, HttpMethod.Get, $"v1/inference_tasks/{llm}/llm", key))
        {
            Assert.Equal(HttpStatusCode.OK, result.StatusCode);
            Assert.Equal("application/json", result.Content.Headers.ContentType!.MediaType);
            Assert.Equal("0.json", result.Content.Headers.ContentDisposition!.FileName);
            using var document = JsonDocument.Parse(await result.Content.ReadAsStringAsync(Ct));
            Assert.True(document.RootElement.TryGetProperty("choices", out _));
        }
        for (var i = 0; i < 2; i++)
        {
            using var image = await SendAsync(bridge, HttpMethod.Get, $"v1/inference_tasks/{sd}/images/{i}", key);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await image.Content.ReadAsByteArrayAsync(Ct))[..4]);
        }
        var errors = new (string Path, HttpStatusCode Status, string Field)[]
        {
            ($"v1/inference_tasks/{sd}/llm", HttpStatusCode.BadRequest, "client_task_id"),
            ($"v1/inference_tasks/{llm}/images/0", HttpStatusCode.BadRequest, "client_task_id"),
            ($"v1/inference_tasks/{sd}/images/2", HttpStatusCode.NotFound, "index"),
            ($"v1/inference_tasks/{sd}/images/x", HttpStatusCode.BadRequest, "index"),
            ("v1/inference_tasks/abc", HttpStatusCode.BadRequest, "client_task_id"),
            ("v1/inference_tasks/0/llm", HttpStatusCode.BadRequest, "client_task_id"),
            ("v1/inference_tasks/99999", HttpStatusCode.NotFound, "client_task_id"),
        };
        foreach (var (path, expected, field) in errors)
        {
            var (got, json) = await JsonAsync(bridge, HttpMethod.Get, path, key);
            Assert.True(got == expected, $"{path}: {(int)got} {json}");
            Assert.Equal(field, json.GetProperty("data").GetProperty("field_name").GetString());
        }
        // Another client's task is indistinguishable from a missing one.
        var other = await bridge.CreateKeyAsync(Other, "chat,image", useLimit: 0, rateLimit: 0);
        var (foreign, _) = await JsonAsync(bridge, HttpMethod.Get, $"v1/inference_tasks/{llm}", other);
        Assert.Equal(HttpStatusCode.NotFound, foreign);
        // The seed's read route still answers for the same task by its address client id.
        var (seed, _) = await JsonAsync(bridge, HttpMethod.Get, $"v1/inference_tasks/{Client}/{llm}", key);
        Assert.Equal(HttpStatusCode.OK, seed);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task A_batch_of_100_with_3_bad_items_creates_97_spends_97_uses_and_100_statuses_come_in_one_call(string driver)
    {
        await using var bridge = await TestBridge.StartAsync(driver);
        var key = await bridge.CreateKeyAsync(Client, "chat", useLimit: 0, rateLimit: 0);
        var before = await WrittenAsync(bridge, Client);
        var items = Enumerable.Range(0, 100).Select(i => (object)new { task_args = LlmArgs($"item {i}"), task_type = 1, task_fee = "1000000000000" }).ToArray();
        items[10] = new { task_args = LlmArgs(), task_type = 1, task_fee = "-1" };
        items[50] = new { task_args = LlmArgs(), task_type = true, task_fee = "1000000000000" };
        items[99] = new { task_args = LlmArgs(), task_type = 0, task_fee = "1000000000000" };
        var (status, batch) = await JsonAsync(bridge, HttpMethod.Post, "v1/inference_tasks/batch", key, JsonSerializer.Serialize(new { tasks = items }));
        Assert.True(status == HttpStatusCode.OK, batch.ToString());
        var data = batch.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(100, data.Count);
        Assert.Equal(Enumerable.Range(0, 100), data.Select(d => d.GetProperty("index").GetInt32()));
        var failed = data.Where(d => d.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String).ToList();
        Assert.Equal([10, 50, 99], failed.Select(d => d.GetProperty("index").GetInt32()));
        Assert.StartsWith("task_fee: invalid Wei value \"-1\"", failed[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("task_type:", failed[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Authorization:", failed[2].GetProperty("error").GetString(), StringComparison.Ordinal);
        var ids = data.Where(d => d.TryGetProperty("client_task", out var t) && t.ValueKind == JsonValueKind.Object)
            .Select(d => d.GetProperty("client_task").GetProperty("id").GetInt64()).ToList();
        Assert.Equal(97, ids.Distinct().Count());
        var after = await WrittenAsync(bridge, Client);
        Assert.Equal((before.Tasks + 97, before.Used + 97), after);

        // Status of 100 ids in one call: request order and duplicates kept, unknown ids itemised.
        var asked = ids.Concat([ids[0], 987654321, 987654322]).ToList();
        var (statusCode, statuses) = await JsonAsync(bridge, HttpMethod.Post, "v1/inference_tasks/batch/status", key,
            JsonSerializer.Serialize(new { client_task_ids = asked }));
        Assert.True(statusCode == HttpStatusCode.OK, statuses.ToString());
        var answers = statuses.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(asked, answers.Select(a => a.GetProperty("client_task_id").GetInt64()));
        Assert.All(answers.Take(98), a => Assert.True(a.GetProperty("client_task").GetProperty("status").GetString() is "running" or "success", a.ToString()));
        Assert.All(answers.Skip(98), a => Assert.Equal("Client task not found", a.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task A_batch_spends_exactly_the_uses_left_and_items_need_their_task_types_role()
    {
        await using var bridge = await TestBridge.StartAsync();
        var key = await bridge.CreateKeyAsync(Client, "chat", useLimit: 5, rateLimit: 0);
        var items = Enumerable.Range(0, 8).Select(i => new { task_args = LlmArgs($"item {i}"), task_type = 1, task_fee = "1000000000000" }).ToArray();
        var (status, batch) = await JsonAsync(bridge, HttpMethod.Post, "v1/inference_tasks/batch", key, JsonSerializer.Serialize(new { tasks = items }));
        Assert.Equal(HttpStatusCode.OK, status);
        var data = batch.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(5, data.Count(d => d.TryGetProperty("client_task", out var t) && t.ValueKind == JsonValueKind.Object));
        Assert.All(data.Skip(5), d => Assert.Contains("quota", d.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.Equal((5, 5), await WrittenAsync(bridge, Client));
        // Spent: a new batch is refused as a whole; its status can still be read.
        var (refused, _) = await JsonAsync(bridge, HttpMethod.Post, "v1/inference_tasks/batch", key, JsonSerializer.Serialize(new { tasks = items[..1] }));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused);
        var (read, _) = await JsonAsync(bridge, HttpMethod.Post, "v1/inference_tasks/batch/status", key,
            JsonSerializer.Serialize(new { client_task_ids = data.Take(5).Select(d => d.GetProperty("client_task").GetProperty("id").GetInt64()) }));
        Assert.Equal(HttpStatusCode.OK, read);
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "v1/inference_tasks", $$"""{"task_type":1,"task_args":{{JsonSerializer.Serialize(LlmArgs())}},"task_fee":"-1"}""", "task_fee" },
        { "v1/inference_tasks", $$"""{"task_type":1,"task_args":{{JsonSerializer.Serialize(LlmArgs())}},"task_fee":"1e9"}""", "task_fee" },
        { "v1/inference_tasks", $$"""{"task_type":1,"task_args":{{JsonSerializer.Serialize(LlmArgs())}},"task_fee":"1.5"}""", "task_fee" },
        { "v1/inference_tasks", $$"""{"task_type":1,"task_args":{{JsonSerializer.Serialize(LlmArgs())}},"task_fee":"{{BigInteger.Pow(2, 256)}}"}""", "task_fee" },
        { "v1/inference_tasks", $$"""{"task_type":1,"task_args":{{JsonSerializer.Serialize(LlmArgs())}},"task_fee":{{BigInteger.Pow(2, 256)}}}""", "task_fee" },
        { "v1/inference_tasks", $$"""{"task_type":1,"task_args":{{JsonSerializer.Serialize(LlmArgs())}},"task_fee":true}""", "task_fee" },
        // Above the operator's ceiling for LLM tasks (10 CNX): 11 CNX in wei.
        { "v1/inference_tasks", $$"""{"task_type":1,"task_args":{{JsonSerializer.Serialize(LlmArgs())}},"task_fee":"11000000000000000000"}""", "task_fee" },
        { "v1/inference_tasks", $$"""{"task_type":[1],"task_args":{{JsonSerializer.Serialize(LlmArgs())}},"task_fee":"1"}""", "task_type" },
        { "v1/inference_tasks/batch", """{"tasks":[]}""", "tasks" },
        { "v1/inference_tasks/batch", """{"tasks":"all"}""", "tasks" },
        { "v1/inference_tasks/batch", """{"task":[{}]}""", "tasks" },
        { "v1/inference_tasks/batch", "{\"tasks\":[" + string.Join(',', Enumerable.Repeat($$"""{"task_type":1,"task_args":{{JsonSerializer.Serialize(LlmArgs())}},"task_fee":"1"}""", 101)) + "]}", "tasks" },
        { "v1/inference_tasks/batch/status", """{"client_task_ids":[]}""", "client_task_ids" },
        { "v1/inference_tasks/batch/status", "{\"client_task_ids\":[" + string.Join(',', Enumerable.Range(1, 101)) + "]}", "client_task_ids" },
        { "v1/inference_tasks/batch/status", """{"client_task_ids":[1,"2"]}""", "client_task_ids[1]" },
        { "v1/inference_tasks/batch/status", """{"client_task_ids":[0]}""", "client_task_ids[0]" },
        { "v1/images", """{"prompt":"x","size":"3x3"}""", "size" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_a_4xx_naming_the_field_and_writes_nothing(string path, string body, string field)
    {
        await using var bridge = await TestBridge.StartAsync();
        var before = await WrittenAsync(bridge, "0x" + new string('1', 40));
        var (status, json) = await JsonAsync(bridge, HttpMethod.Post, path, bridge.ApiKey, body);
        Assert.True((int)status is >= 400 and < 500, $"{(int)status} {json}");
        var named = json.TryGetProperty("error", out var openAi) ? openAi.GetProperty("param").GetString() : json.GetProperty("data").GetProperty("field_name").GetString();
        Assert.Equal(field, named);
        Assert.Equal(before, await WrittenAsync(bridge, "0x" + new string('1', 40)));
        Assert.Empty(bridge.Devnet.Control.GetTasks());
    }
}
